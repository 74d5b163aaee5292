import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { MsfsContext } from './MsfsContext';
import { lookup, type Found } from './FileLookup';
import { emptyReply, reply } from './httpReply';

/**
 * Rewrite (edge.md §2.8, §7 item 16): proper types for images (`image/jpeg` for jpg, the original
 * sent `image/jpg`-style copies of the extension) and `application/octet-stream` for the rest (the
 * original said `multipart/form-data`).
 */
const TYPES: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif',
  webp: 'image/webp', bmp: 'image/bmp',
};

export function contentTypeFor(ext: string): string {
  return TYPES[ext.toLowerCase()] ?? 'application/octet-stream';
}

/** Rejects of the target: the original closed the connection without a word on `..`. */
class BadTarget extends Error {}

/** `/g0/000/001/name?x` -> `000/001/name`; undefined when there is no second segment. */
function storedPathOf(target: string): string | undefined {
  if (target.includes('..')) throw new BadTarget('".." in target');
  // Rewrite: query strings and fragments are ignored rather than taken into the file name.
  const cut = target.search(/[?#]/);
  const raw = (cut < 0 ? target : target.slice(0, cut)).replace(/^\/+/, '');
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new BadTarget('bad percent-escape');
  }
  // Rewrite (§2.11 Security): reject `..` and NUL after decoding too.
  if (decoded.includes('..') || decoded.includes('\0') || decoded.includes('\\')) throw new BadTarget('unsafe path after decoding');
  const slash = decoded.indexOf('/');
  if (slash < 0) return undefined;
  // The first segment (`g0`, or anything else) is ignored, as in the original.
  const rel = decoded.slice(slash + 1);
  return rel === '' ? undefined : rel;
}

interface ByteRange { start: number; end: number }

/** One `bytes=a-b` range; undefined = serve everything; null = unsatisfiable. */
function parseRange(header: string | undefined, size: number): ByteRange | undefined | null {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null || (m[1] === '' && m[2] === '')) return undefined; // multi-range or junk: whole file
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return null;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return null;
  return { start, end };
}

/** GET and HEAD by path (edge.md §2.8), with Range (Rewrite, §2.11). */
export async function handleDownload(ctx: MsfsContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let rel: string | undefined;
  try {
    rel = storedPathOf(req.url ?? '/');
  } catch (err) {
    ctx.log.info({ peer: req.socket.remoteAddress, url: req.url, err: (err as Error).message }, 'download refused: bad path');
    emptyReply(res, 400);
    return;
  }
  const found = rel === undefined ? undefined : await lookup(ctx, rel);
  if (found === undefined) {
    emptyReply(res, 404);
    return;
  }
  await send(req, res, found);
}

async function send(req: IncomingMessage, res: ServerResponse, found: Found): Promise<void> {
  const size = found.kind === 'bytes' ? found.data.length : found.size;
  const type = contentTypeFor(found.ext);
  const range = parseRange(req.headers.range, size);
  if (range === null) {
    reply(res, 416, '', type, { 'Content-Range': `bytes */${size}`, 'Accept-Ranges': 'bytes' });
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  const length = size === 0 ? 0 : end - start + 1;
  const headers: Record<string, string> = {
    Connection: 'close',
    'Content-Type': type,
    'Content-Length': String(length),
    'Accept-Ranges': 'bytes',
  };
  if (range !== undefined) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(range !== undefined ? 206 : 200, headers);
  if (req.method === 'HEAD' || length === 0) { res.end(); return; }
  if (found.kind === 'bytes') {
    res.end(found.data.subarray(start, end + 1));
    return;
  }
  try {
    await pipeline(createReadStream(found.abs, { start, end }), res);
  } catch (err) {
    // Usually the client went away mid-download: that ends this response only.
    res.destroy();
    throw new DownloadAborted((err as Error).message);
  }
}

/** A streamed download that could not be completed; logged at info level by the server. */
export class DownloadAborted extends Error {
  override readonly name = 'DownloadAborted';
}
