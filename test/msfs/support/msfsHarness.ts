import * as net from 'node:net';
import * as fs from 'node:fs';
import { start, type RunningServer } from '../../../src/servers/msfs';
import { writeTestConf, type ConfOverrides } from '../../helpers/writeTestConf';
import { ConfFile } from '../../../src/conf/ConfFile';
import type { Logger } from '../../../src/util/log';

export interface Msfs {
  server: RunningServer;
  port: number;
  baseDir: string;
  confPath: string;
}

/** Starts an msfs on a free loopback port with its store in a fresh temporary directory. */
export async function startMsfs(overrides: ConfOverrides = {}, confPath?: string, opts: { log?: Logger } = {}): Promise<Msfs> {
  const path = confPath ?? writeTestConf('msfs', overrides);
  const server = await start({ confPath: path, ...(opts.log ? { log: opts.log } : {}) });
  const baseDir = ConfFile.load(path).str('BaseDir');
  return { server, port: server.ports.http!, baseDir, confPath: path };
}

export interface RawResponse {
  status: number;
  statusLine: string;
  headers: Map<string, string>;
  body: Buffer;
  /** True when the server closed the connection. */
  closed: boolean;
}

/**
 * Sends bytes on a fresh connection and collects everything until the server closes it (msfs
 * answers once per connection). `ms` bounds the wait; a timeout yields what arrived so far.
 */
export function rawRequest(port: number, bytes: Buffer | string, ms = 5000, keepWriting?: (s: net.Socket) => void): Promise<RawResponse & { raw: Buffer; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = net.connect({ host: '127.0.0.1', port });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; sock.destroy(); }, ms);
    sock.on('connect', () => {
      sock.write(bytes);
      keepWriting?.(sock);
    });
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', () => { /* EPIPE/ECONNRESET after the server refused: the reply is still read */ });
    sock.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      try {
        resolve({ ...parseResponse(raw), raw, timedOut, closed: !timedOut });
      } catch (err) {
        reject(err);
      }
    });
  });
}

export function parseResponse(raw: Buffer): RawResponse {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return { status: 0, statusLine: '', headers: new Map(), body: raw, closed: true };
  const lines = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const statusLine = lines[0]!;
  const status = Number(statusLine.split(' ')[1]);
  const headers = new Map<string, string>();
  for (const l of lines.slice(1)) {
    const c = l.indexOf(':');
    headers.set(l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim());
  }
  return { status, statusLine, headers, body: raw.subarray(headEnd + 4), closed: true };
}

export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer | string;
}

export function multipart(boundary: string, parts: Part[]): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += '\r\n';
    if (p.contentType !== undefined) head += `Content-Type: ${p.contentType}\r\n`;
    out.push(Buffer.from(head + '\r\n'), Buffer.from(p.data), Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(out);
}

/** A whole POST request as the Android client sends it (edge.md §2.1). */
export function uploadRequest(body: Buffer, opts: { boundary?: string; host?: string; path?: string; contentType?: string } = {}): Buffer {
  const boundary = opts.boundary ?? '---------7d4a6d158c9';
  const head =
    `POST ${opts.path ?? '/'} HTTP/1.1\r\n` +
    (opts.host === undefined ? '' : `Host: ${opts.host}\r\n`) +
    `Content-Type: ${opts.contentType ?? `multipart/form-data; boundary=${boundary}`}\r\n` +
    `Content-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), body]);
}

export interface UploadReply {
  error_code: number;
  error_msg: string;
  path?: string;
  url: string;
}

/** Uploads one file the Android way and returns the HTTP response and its parsed JSON. */
export async function upload(port: number, filename: string, data: Buffer, host = `127.0.0.1:${port}`): Promise<{ res: RawResponse; json: UploadReply }> {
  const boundary = '---------7d4a6d158c9';
  const body = multipart(boundary, [{ name: 'file0', filename, contentType: 'application/octet-stream', data }]);
  const res = await rawRequest(port, uploadRequest(body, { boundary, host }));
  return { res, json: JSON.parse(res.body.toString('utf8')) as UploadReply };
}

export function get(port: number, path: string, extraHeaders = '', method = 'GET'): Promise<RawResponse & { raw: Buffer; timedOut: boolean }> {
  return rawRequest(port, `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extraHeaders}\r\n`);
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
