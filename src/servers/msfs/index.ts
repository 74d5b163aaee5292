/**
 * msfs, the multimedia small-file store (edge.md §2): clients, the PHP admin and db_proxy POST a
 * file and get back `g0/AAA/BBB/<name>` and a URL; anyone GETs it back by that path. It knows
 * nothing about users or messages and speaks only HTTP, so it uses Node's http module rather than
 * the PDU transport.
 *
 * The story: read msfs.conf; open the store under BaseDir (directories are made as needed); listen
 * on every ListenIP; uploads stream to a temporary file and are published under the counter-chosen
 * directory; downloads come from a byte-bounded cache or the disk, with resized `_WxH` variants.
 * Every 10 s the file counter is saved and the per-address upload limiter forgets idle addresses.
 */
import type { Transport } from '../../net/Transport';
import type { RunningServer } from '../../cli/serverModule';
import { ConfFile } from '../../conf/ConfFile';
import { childLog } from '../../util/log';
import type { Logger } from '../../util/log';
import { nowMs } from '../../util/clock';
import { readMsfsConfig } from './MsfsConfig';
import { FileStore } from './FileStore';
import { FileCache } from './FileCache';
import { Thumbnailer } from './Thumbnailer';
import { RateLimiter } from './RateLimiter';
import { MsfsHttpServer } from './MsfsHttpServer';
import type { MsfsContext } from './MsfsContext';
import { withMetrics } from '../../util/metrics';
import { defineMsfsMetrics } from './MsfsMetrics';

export type { RunningServer };

/** Largest single cache entry: a quarter of the cache, at most 16 MiB (bigger files stream from disk). */
const MAX_CACHE_ENTRY = 16 * 1024 * 1024;
const HOUSEKEEPING_MS = 10_000;

export async function start(opts: { confPath: string; transport?: Transport; log?: Logger }): Promise<RunningServer> {
  // Tests pass a capturing logger to check the lines refusals write.
  const log = opts.log ?? childLog({ server: 'msfs' });
  const config = readMsfsConfig(ConfFile.load(opts.confPath));

  const store = new FileStore(config.baseDir, config.filesPerDir, config.fileCnt);
  await store.init();
  const ctx: MsfsContext = {
    config,
    store,
    cache: new FileCache(config.cacheBytes, Math.min(Math.floor(config.cacheBytes / 4), MAX_CACHE_ENTRY)),
    thumbs: new Thumbnailer(config.thumbnailMaxSide, log),
    uploadLimiter: new RateLimiter(config.uploadsPerMinute),
    log,
  };

  const http = new MsfsHttpServer(ctx);
  // With ListenPort 0 the first address picks the port and the others share it.
  let port = config.listenPort;
  try {
    for (const ip of config.listenIps) port = await http.listen(ip, port);
  } catch (err) {
    await http.close();
    throw err;
  }
  log.info({ listen: config.listenIps, port, baseDir: config.baseDir, fileCnt: store.fileCount }, 'msfs listening');

  const saveCount = (): Promise<void> => store.persistCount().catch((err: Error) => {
    log.error({ err: err.message }, 'cannot save the file counter');
  });
  const housekeeping = setInterval(() => {
    ctx.uploadLimiter.prune(nowMs());
    void saveCount();
  }, HOUSEKEEPING_MS);
  housekeeping.unref();

  let stopped = false;
  // Optional (MetricsPort in msfs.conf): store and cache figures for Prometheus.
  return withMetrics(opts.confPath, (m) => defineMsfsMetrics(m, ctx), {
    name: 'msfs',
    ports: { http: port },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      clearInterval(housekeeping);
      await http.close();
      await saveCount();
      log.info({ fileCnt: store.fileCount }, 'msfs stopped');
    },
  });
}
