import type { MsfsConfig } from './MsfsConfig';
import type { FileStore } from './FileStore';
import type { FileCache } from './FileCache';
import type { Thumbnailer } from './Thumbnailer';
import type { RateLimiter } from './RateLimiter';
import type { Logger } from '../../util/log';

/** What the request handlers share: one per running msfs. */
export interface MsfsContext {
  config: MsfsConfig;
  store: FileStore;
  cache: FileCache;
  thumbs: Thumbnailer;
  uploadLimiter: RateLimiter;
  log: Logger;
}
