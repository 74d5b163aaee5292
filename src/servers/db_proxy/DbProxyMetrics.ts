import type { MetricSet } from '../../util/metrics';
import type { WorkerPool } from './WorkerPool';
import type { WorkerStatsReader } from './worker/WorkerStats';

/** A command's request count, bumped with `+= 1` by the I/O thread (no lookup per request). */
export interface RequestCount {
  readonly cid: number;
  n: number;
}

/** Coarse request kinds: the command's service (protocol.md §2), which is what an operator reads. */
const KIND_BY_SERVICE: Record<number, string> = {
  0x01: 'login', 0x02: 'buddy', 0x03: 'message', 0x04: 'group', 0x05: 'file', 0x07: 'other',
};

export interface DbProxyState {
  links: { readonly size: number };
  pool: WorkerPool;
  requests: readonly RequestCount[];
  /** The workers' shared figures: message batches and backend errors. */
  workers: WorkerStatsReader;
}

/** db_proxy's I/O-thread metrics, read at scrape time. */
export function defineDbProxyMetrics(m: MetricSet, st: DbProxyState): void {
  m.gauge('db_proxy_links', 'Links from msg_servers and http_msg_servers', () => st.links.size);
  m.gauge('db_proxy_queue_depth', 'Requests handed to the workers and not answered yet', () => st.pool.pending);
  m.gauge('db_proxy_workers', 'Worker threads', () => st.pool.size);
  m.labeledCounter('db_proxy_requests_total', 'Requests forwarded to the workers, by kind (the command\'s service)', 'kind', () => {
    const byKind = new Map<string, number>(Object.values(KIND_BY_SERVICE).map((k) => [k, 0]));
    for (const r of st.requests) {
      const kind = KIND_BY_SERVICE[r.cid >> 8] ?? 'other';
      byKind.set(kind, (byKind.get(kind) ?? 0) + r.n);
    }
    return byKind;
  });
  const w = st.workers;
  m.counter('db_proxy_message_batches_total', 'Group-commit transactions of CID_MSG_DATA rows committed', () => w.batches);
  m.counter('db_proxy_messages_stored_total', 'Messages committed by group commit', () => w.rows);
  m.counter('db_proxy_message_batches_failed_total', 'Group-commit batches not stored (their messages get msg_id 0, no ack)', () => w.failedBatches);
  m.histogram('db_proxy_message_batch_rows', 'Messages per group-commit transaction', () => w.batchRows());
  m.histogram('db_proxy_message_store_seconds', 'Time to store one group-commit batch (transaction incl. retries)', () => w.storeSeconds());
  m.counter('db_proxy_backend_errors_total', 'Failed MySQL statements and Redis commands', () => w.backendErrors);
}
