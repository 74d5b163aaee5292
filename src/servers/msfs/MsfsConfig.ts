import * as path from 'node:path';
import { ConfFile } from '../../conf/ConfFile';

/**
 * msfs.conf (edge.md §2.2) plus the rewrite's optional keys. Every optional key has a default that
 * keeps the original behaviour where that is safe.
 *
 * | key | default | meaning |
 * |---|---|---|
 * | `PublicUrl` | (none: `http://<Host>/`) | base of the `url` in upload replies, e.g. `http://im.example.com:8700/` (§7 item 12) |
 * | `MaxUploadBytes` | 10485760 | largest request body and stored file (the original's 10 MiB; see §2.5 step 8) |
 * | `CacheBytes` | 67108864 | byte bound of the download cache (LRU) |
 * | `UploadsPerMinute` | 120 | uploads per client address per minute, 0 = unlimited |
 * | `MinFreeDiskMB` | 256 | refuse uploads when the store's file system has less free space |
 * | `HeadersTimeoutMs` | 10000 | a client must send its whole request head within this time (slow-header clients) |
 * | `IdleTimeoutMs` | 30000 | close a connection with no traffic for this long (the original's 30 s) |
 * | `RequestTimeoutMs` | 300000 | a whole request (an upload body) must arrive within this time |
 * | `ThumbnailMaxSide` | 2048 | largest W or H served as a resized variant |
 */
export interface MsfsConfig {
  listenIps: string[];
  listenPort: number;
  baseDir: string;
  fileCnt: number;
  filesPerDir: number;
  publicUrl: string | undefined;
  maxUploadBytes: number;
  cacheBytes: number;
  uploadsPerMinute: number;
  minFreeDiskBytes: number;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
  requestTimeoutMs: number;
  thumbnailMaxSide: number;
}

export function readMsfsConfig(conf: ConfFile): MsfsConfig {
  const positive = (key: string, v: number): number => {
    // Original bug: FilesPerDir=0 crashed at the first upload (division by zero).
    if (v < 1) throw conf.error(key, `must be at least 1, got ${v}`);
    return v;
  };
  const nonNegative = (key: string, v: number): number => {
    if (v < 0) throw conf.error(key, `must not be negative, got ${v}`);
    return v;
  };
  // The thread counts size the original's worker pools; Node's event loop and libuv's pool replace
  // them, but a bad value still means a bad file, so it is still refused.
  positive('GetThreadCount', conf.optInt('GetThreadCount', 1));
  positive('PostThreadCount', conf.optInt('PostThreadCount', 1));

  let publicUrl: string | undefined = conf.raw('PublicUrl');
  if (publicUrl !== undefined) {
    if (!/^https?:\/\/[^\s"\\]+$/.test(publicUrl)) throw conf.error('PublicUrl', `not an http(s) URL: "${publicUrl}"`);
    if (!publicUrl.endsWith('/')) publicUrl += '/';
  }
  const headersTimeoutMs = positive('HeadersTimeoutMs', conf.optInt('HeadersTimeoutMs', 10_000));
  const requestTimeoutMs = positive('RequestTimeoutMs', conf.optInt('RequestTimeoutMs', 300_000));
  if (requestTimeoutMs < headersTimeoutMs) throw conf.error('RequestTimeoutMs', 'must not be below HeadersTimeoutMs');

  return {
    listenIps: conf.ipList('ListenIP'),
    listenPort: conf.port('ListenPort'),
    baseDir: path.resolve(conf.str('BaseDir')),
    fileCnt: nonNegative('FileCnt', conf.int('FileCnt')),
    filesPerDir: positive('FilesPerDir', conf.int('FilesPerDir')),
    publicUrl,
    maxUploadBytes: positive('MaxUploadBytes', conf.optInt('MaxUploadBytes', 10 * 1024 * 1024)),
    cacheBytes: nonNegative('CacheBytes', conf.optInt('CacheBytes', 64 * 1024 * 1024)),
    uploadsPerMinute: nonNegative('UploadsPerMinute', conf.optInt('UploadsPerMinute', 120)),
    minFreeDiskBytes: nonNegative('MinFreeDiskMB', conf.optInt('MinFreeDiskMB', 256)) * 1024 * 1024,
    headersTimeoutMs,
    idleTimeoutMs: positive('IdleTimeoutMs', conf.optInt('IdleTimeoutMs', 30_000)),
    requestTimeoutMs,
    thumbnailMaxSide: positive('ThumbnailMaxSide', conf.optInt('ThumbnailMaxSide', 2048)),
  };
}
