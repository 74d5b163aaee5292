import * as fs from 'node:fs';
import { ConfError } from './ConfError';

export { ConfError };

/** One `IP`/`Port` pair of a numbered list such as `DBServerIP1`/`DBServerPort1`. */
export interface Endpoint {
  host: string;
  port: number;
}

// Spaces and tabs only: the original trims nothing else (servers.md §2.1).
const trimST = (s: string): string => s.replace(/^[ \t]+|[ \t]+$/g, '');

/**
 * The original `.conf` format (servers.md §2.1, schema.md §6.1): `key=value` lines split at the
 * first `=`, `#` starts a comment anywhere, key and value trimmed of spaces and tabs, lines with an
 * empty key or value ignored, the FIRST occurrence of a key wins.
 *
 * Rewrite: a trailing CR is dropped (the original kept it, so CRLF files gave values ending in
 * "\r"); lines are not cut at 255 characters; a missing file is an error instead of an empty file.
 */
export class ConfFile {
  private readonly values = new Map<string, string>();

  constructor(
    /** Shown in every error so the operator knows which file to fix. */
    readonly path: string,
    text: string,
  ) {
    for (const raw of text.split('\n')) {
      let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const hash = line.indexOf('#');
      if (hash >= 0) line = line.slice(0, hash);
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const key = trimST(line.slice(0, eq));
      const value = trimST(line.slice(eq + 1));
      if (key === '' || value === '') continue;
      if (!this.values.has(key)) this.values.set(key, value);
    }
  }

  static load(path: string): ConfFile {
    let text: string;
    try {
      text = fs.readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new ConfError(path, undefined, `cannot read configuration file (${code})`);
    }
    return new ConfFile(path, text);
  }

  static parse(text: string, path = '<text>'): ConfFile {
    return new ConfFile(path, text);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  /** Every key in file order (first occurrences only). */
  keys(): string[] {
    return [...this.values.keys()];
  }

  raw(key: string): string | undefined {
    return this.values.get(key);
  }

  str(key: string): string {
    const v = this.values.get(key);
    if (v === undefined) throw this.error(key, 'missing');
    return v;
  }

  optStr(key: string, def: string): string {
    return this.values.get(key) ?? def;
  }

  int(key: string): number {
    return this.parseInt(key, this.str(key));
  }

  optInt(key: string, def: number): number {
    const v = this.values.get(key);
    return v === undefined ? def : this.parseInt(key, v);
  }

  /** A TCP port; 0 is allowed (listen on any free port, as tests do). */
  port(key: string): number {
    const n = this.int(key);
    if (n < 0 || n > 65535) throw this.error(key, `port out of range 0..65535: ${n}`);
    return n;
  }

  optPort(key: string, def: number): number {
    return this.has(key) ? this.port(key) : def;
  }

  /** A `;`-separated list (listen addresses), empty entries dropped. */
  ipList(key: string): string[] {
    const list = this.str(key)
      .split(';')
      .map(trimST)
      .filter((s) => s !== '');
    if (list.length === 0) throw this.error(key, 'empty address list');
    return list;
  }

  /** A `,`-separated list of names (DBInstances, CacheInstances). */
  nameList(key: string): string[] {
    const list = this.str(key)
      .split(',')
      .map(trimST)
      .filter((s) => s !== '');
    if (list.length === 0) throw this.error(key, 'empty list');
    return list;
  }

  /**
   * Numbered endpoints `<ipPrefix>1/<portPrefix>1`, `...2`, until the first number whose IP key is
   * missing (the original's loop). An IP without its port is an error, not the end of the list.
   */
  endpoints(ipPrefix: string, portPrefix: string): Endpoint[] {
    const out: Endpoint[] = [];
    for (let i = 1; this.has(`${ipPrefix}${i}`); i++) {
      const host = this.str(`${ipPrefix}${i}`);
      const port = this.port(`${portPrefix}${i}`);
      if (port === 0) throw this.error(`${portPrefix}${i}`, 'port 0 is not a valid peer port');
      out.push({ host, port });
    }
    return out;
  }

  /** A ConfError for this file; servers use it for their own semantic checks (e.g. aesKey length). */
  error(key: string | undefined, problem: string): ConfError {
    return new ConfError(this.path, key, problem);
  }

  private parseInt(key: string, v: string): number {
    // Whole decimal numbers only: the original's atoi("12abc") = 12 hid typos.
    if (!/^[+-]?\d+$/.test(v)) throw this.error(key, `not an integer: "${v}"`);
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw this.error(key, `integer out of range: "${v}"`);
    return n;
  }
}
