import type { ServerResponse } from 'node:http';

/**
 * Every msfs response: one request per connection (edge.md §2.4), so `Connection: close` always,
 * and an exact Content-Length. Rewrite: the original's 403/404/500 had a NUL or a missing `\n` at
 * the end of the header block; Node writes them correctly.
 */
export function reply(res: ServerResponse, status: number, body: string | Buffer, contentType: string, extra: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    Connection: 'close',
    'Content-Length': String(bytes.length),
    'Content-Type': contentType,
    ...extra,
  });
  res.end(bytes);
}

/** The upload replies are JSON but typed text/html, as iOS expects (edge.md §2.1). */
export const UPLOAD_REPLY_TYPE = 'text/html;charset=utf-8';

export function emptyReply(res: ServerResponse, status: number): void {
  reply(res, status, '', 'text/plain;charset=utf-8');
}
