import * as http from 'node:http';
import type { TargetSpec } from './types';

export const DEFAULT_TARGET = 'http://127.0.0.1:8080/msg_server';

/** `http://host:port/msg_server` (login_server lookup per connection) or `host:port` (one msg_server). */
export function parseTarget(text: string): TargetSpec {
  if (/^https?:\/\//i.test(text)) {
    const u = new URL(text);
    if (u.protocol !== 'http:') throw new Error(`--target ${text}: login_server speaks plain HTTP only`);
    if (u.pathname === '/' || u.pathname === '') u.pathname = '/msg_server';
    return { kind: 'http', url: u.toString() };
  }
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text);
  if (m === null) throw new Error(`--target ${text}: expected http://host:port/msg_server or host:port`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new Error(`--target ${text}: bad port`);
  return { kind: 'direct', host: m[1]!, port };
}

export function describeTarget(t: TargetSpec): string {
  return t.kind === 'http' ? t.url : `${t.host}:${t.port}`;
}

export interface MsgServerAddress {
  host: string;
  port: number;
}

export class LookupError extends Error {
  constructor(readonly reason: string, detail: string) {
    super(`login_server lookup failed (${reason}): ${detail}`);
    this.name = 'LookupError';
  }
}

/**
 * protocol.md §5: GET /msg_server, read `code`, `priorIP` and `port` — a **string** in the original
 * (the C++ test client's bug was to read it as a number); both forms are accepted here.
 */
export function lookupMsgServer(url: string, timeoutMs = 10_000): Promise<MsgServerAddress> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 64 * 1024) req.destroy(new LookupError('too-large', `reply over 64 KiB from ${url}`));
        else chunks.push(c);
      });
      res.on('end', () => {
        try {
          resolve(parseLookupReply(Buffer.concat(chunks).toString('utf8')));
        } catch (e) {
          reject(e);
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new LookupError('timeout', `no reply from ${url} within ${timeoutMs} ms`)));
    req.on('error', (e) => reject(e instanceof LookupError ? e : new LookupError('http', `${url}: ${e.message}`)));
  });
}

export function parseLookupReply(body: string): MsgServerAddress {
  let j: unknown;
  try {
    j = JSON.parse(body);
  } catch {
    throw new LookupError('bad-json', JSON.stringify(body.slice(0, 80)));
  }
  const o = j as { code?: unknown; msg?: unknown; priorIP?: unknown; port?: unknown };
  if (o.code !== 0) throw new LookupError(`code-${String(o.code)}`, String(o.msg ?? ''));
  const port = typeof o.port === 'string' ? Number(o.port) : o.port;
  if (typeof o.priorIP !== 'string' || typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new LookupError('bad-reply', `priorIP ${String(o.priorIP)} port ${String(o.port)}`);
  }
  return { host: o.priorIP, port };
}
