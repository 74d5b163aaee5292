import type { IncomingMessage, ServerResponse } from 'node:http';
import { promises as fsp } from 'node:fs';
import type { MsfsContext } from './MsfsContext';
import { receiveUpload, type ReceivedFile } from './MultipartUpload';
import { parseUploadName, UploadCode, UploadError } from './UploadName';
import { StoreError } from './FileStore';
import {
  successReply, tooLargeReply, formatErrorReply, refusedReply,
  RATE_LIMITED_CODE, STORE_FULL_CODE, STORE_FAILED_CODE,
} from './UploadReply';
import { reply, UPLOAD_REPLY_TYPE } from './httpReply';
import { nowMs } from '../../util/clock';

/** A Host header that can stand in a URL; anything else is left out (§7 item 12: host-header injection). */
const SAFE_HOST = /^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

function baseUrl(ctx: MsfsContext, req: IncomingMessage): string {
  if (ctx.config.publicUrl !== undefined) return ctx.config.publicUrl;
  const host = req.headers.host ?? '';
  // Like the original, an absent Host gives `http:///<path>`; an unusable one is treated as absent.
  return `http://${SAFE_HOST.test(host) ? host : ''}/`;
}

/**
 * POST (any path): store the first file of a multipart body, answer the JSON of edge.md §2.5.
 *
 * Rewrite: the size is checked against Content-Length before any body byte is read (the original
 * buffered the whole body first) and counted again while streaming (chunked bodies); the stored-file
 * limit is the same as the body limit, so the original's "5-10 MiB: success with an empty path"
 * (Original bug) cannot happen. Refusals keep the clients' JSON but carry a matching HTTP status.
 */
export async function handleUpload(ctx: MsfsContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { config, log } = ctx;
  const peer = req.socket.remoteAddress ?? '';
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > config.maxUploadBytes) {
    log.info({ peer, contentLength: declared }, 'upload refused: body too large');
    reply(res, 413, tooLargeReply(), UPLOAD_REPLY_TYPE);
    return;
  }
  if (!ctx.uploadLimiter.take(peer, nowMs())) {
    log.warn({ peer }, 'upload refused: rate limit');
    reply(res, 429, refusedReply(RATE_LIMITED_CODE, '上传过于频繁'), UPLOAD_REPLY_TYPE, { 'Retry-After': '60' });
    return;
  }
  if (config.minFreeDiskBytes > 0 && (await ctx.store.freeBytes()) < config.minFreeDiskBytes) {
    log.error({ peer, baseDir: config.baseDir }, 'upload refused: store file system nearly full');
    reply(res, 507, refusedReply(STORE_FULL_CODE, '存储空间不足'), UPLOAD_REPLY_TYPE);
    return;
  }

  let file: ReceivedFile;
  try {
    file = await receiveUpload(req, ctx.store.tempPath(), { maxFileBytes: config.maxUploadBytes, maxBodyBytes: config.maxUploadBytes });
  } catch (err) {
    refuse(ctx, res, peer, err);
    return;
  }
  try {
    const name = parseUploadName(file.filename);
    const path = await ctx.store.commit(file.tmpPath, name);
    log.debug({ peer, path, bytes: file.size }, 'stored upload');
    reply(res, 200, successReply(path, baseUrl(ctx, req)), UPLOAD_REPLY_TYPE);
  } catch (err) {
    await fsp.rm(file.tmpPath, { force: true });
    refuse(ctx, res, peer, err);
  }
}

function refuse(ctx: MsfsContext, res: ServerResponse, peer: string, err: unknown): void {
  if (err instanceof UploadError) {
    ctx.log.info({ peer, code: err.code, err: err.message }, 'upload refused');
    if (err.code === UploadCode.TooLarge) reply(res, 413, tooLargeReply(), UPLOAD_REPLY_TYPE);
    else reply(res, 400, formatErrorReply(err.code), UPLOAD_REPLY_TYPE);
    return;
  }
  if (err instanceof StoreError) {
    // Original bug: a failed create aborted the whole process; here only this upload fails.
    ctx.log.error({ peer, err: err.message }, 'upload could not be stored');
    reply(res, 500, refusedReply(STORE_FAILED_CODE, '存储失败'), UPLOAD_REPLY_TYPE);
    return;
  }
  throw err;
}
