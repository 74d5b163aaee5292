import type { MetricSet } from '../../util/metrics';
import type { MsfsContext } from './MsfsContext';

/** msfs's metrics, read at scrape time from its store and cache. */
export function defineMsfsMetrics(m: MetricSet, ctx: MsfsContext): void {
  m.gauge('msfs_file_count', 'The file counter (files stored since the store was created)', () => ctx.store.fileCount);
  m.gauge('msfs_cache_entries', 'Files in the download cache', () => ctx.cache.size);
  m.gauge('msfs_cache_bytes', 'Bytes in the download cache', () => ctx.cache.bytes);
}
