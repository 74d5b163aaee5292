import * as net from 'node:net';
import { sign } from '../../../src/servers/http_msg/QueryAuth';

export interface HttpResult {
  raw: Buffer;
  status: number;
  head: string;
  body: string;
  json: Record<string, unknown> | undefined;
  /** false when the wait ran out before the server closed the connection */
  closedByServer: boolean;
}

/** Sends bytes on a fresh connection and reads until the server closes it (one request each). */
export function rawHttp(port: number, bytes: Buffer | string, ms = 5000, onSocket?: (s: net.Socket) => void): Promise<HttpResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = net.connect({ host: '127.0.0.1', port });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; s.destroy(); }, ms);
    s.on('connect', () => { s.write(bytes); onSocket?.(s); });
    s.on('data', (c) => chunks.push(c));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      const end = raw.indexOf('\r\n\r\n');
      const head = end < 0 ? raw.toString('latin1') : raw.subarray(0, end).toString('latin1');
      const body = end < 0 ? '' : raw.subarray(end + 4).toString('utf8');
      let json: Record<string, unknown> | undefined;
      try { json = JSON.parse(body) as Record<string, unknown>; } catch { json = undefined; }
      resolve({ raw, status: Number(head.split(' ')[1] ?? 0), head, body, json, closedByServer: !timedOut });
    });
  });
}

export function post(path: string, body: string | Buffer, extraHeaders: Record<string, string> = {}): Buffer {
  const b = Buffer.from(body);
  let head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${b.length}\r\n`;
  for (const [k, v] of Object.entries(extraHeaders)) head += `${k}: ${v}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`), b]);
}

/** A request signed the way docs/http_msg_server.md describes. */
export function signedPost(secret: string, path: string, json: unknown, ts = Math.floor(Date.now() / 1000)): Buffer {
  const body = Buffer.from(JSON.stringify(json));
  const signature = sign(secret, String(ts), 'POST', path, body);
  return post(path, body, { 'X-TT-Timestamp': String(ts), 'X-TT-Signature': signature });
}
