import * as net from 'node:net';
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
 *
 * A bare socket and a hand-written request rather than `http.get`: a login storm does thousands of
 * lookups a second and Node's HTTP client (agent, ClientRequest, IncomingMessage, parser) cost the
 * bench worker more CPU than the request itself, which made the client the bottleneck it measures.
 * login_server answers one request per connection and closes (Connection:close), like the original.
 */
export function lookupMsgServer(url: string, timeoutMs = 10_000): Promise<MsgServerAddress> {
  const { host, port, request } = lookupRequest(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const s = net.connect({ host, port });
    const finish = (err: Error | undefined, addr?: MsgServerAddress): void => {
      if (settled) return;
      settled = true;
      s.destroy();
      if (err) reject(err); else resolve(addr!);
    };
    const tryParse = (atEnd: boolean): void => {
      if (settled) return;
      try {
        const addr = parseHttpReply(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), atEnd, url);
        if (addr !== undefined) finish(undefined, addr);
      } catch (e) {
        finish(e as Error);
      }
    };
    s.setTimeout(timeoutMs, () => finish(new LookupError('timeout', `no reply from ${url} within ${timeoutMs} ms`)));
    s.on('connect', () => s.write(request));
    s.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REPLY_BYTES) { finish(new LookupError('too-large', `reply over 64 KiB from ${url}`)); return; }
      chunks.push(c);
      tryParse(false);
    });
    s.on('end', () => tryParse(true));
    s.on('close', () => tryParse(true));
    s.on('error', (e) => finish(new LookupError('http', `${url}: ${e.message}`)));
  });
}

export const MAX_REPLY_BYTES = 64 * 1024;

/** Where to connect and the bytes of the request for one lookup (built once per URL by callers that care). */
export function lookupRequest(url: string): { host: string; port: number; request: Buffer } {
  const u = new URL(url);
  const port = u.port === '' ? 80 : Number(u.port);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const request = Buffer.from(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n`, 'latin1');
  return { host, port, request };
}

/**
 * The msg_server address once the reply is complete (by Content-Length, or at the server's close
 * when `atEnd`), undefined while more bytes are needed; throws LookupError on a bad reply.
 */
export function parseHttpReply(all: Buffer, atEnd: boolean, url: string): MsgServerAddress | undefined {
  const he = all.indexOf('\r\n\r\n');
  if (he < 0) {
    if (atEnd) throw new LookupError('http', `${url}: connection closed before the reply headers`);
    return undefined;
  }
  const head = all.subarray(0, he).toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (!status) throw new LookupError('http', `${url}: not an HTTP reply: ${JSON.stringify(head.slice(0, 40))}`);
  if (status[1] !== '200') throw new LookupError('http', `${url}: HTTP ${status[1]}`);
  const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  let body = all.subarray(he + 4);
  if (cl) {
    const n = Number(cl[1]);
    if (body.length < n) {
      if (atEnd) throw new LookupError('http', `${url}: reply shorter than its Content-Length`);
      return undefined;
    }
    body = body.subarray(0, n);
  } else if (!atEnd) {
    return undefined; // no length: the body ends with the connection
  } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    body = dechunk(body);
  }
  return parseLookupReply(body.toString('utf8'));
}

/** A chunked body (a login_server behind some proxy might send one); malformed input yields what parsed. */
function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', pos);
    if (eol < 0) break;
    const n = parseInt(b.subarray(pos, eol).toString('latin1'), 16);
    if (!Number.isFinite(n) || n <= 0) break;
    out.push(b.subarray(eol + 2, eol + 2 + n));
    pos = eol + 2 + n + 2;
  }
  return Buffer.concat(out);
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
