import type { HistogramData } from '../../../util/metrics';

/**
 * Figures a db_proxy worker keeps for metrics: message group-commit batches (how many, how big, how
 * long the transaction took) and backend (MySQL/Redis) errors. They are written by the worker and
 * read by the I/O thread at scrape time, so they live in shared memory: one region of a
 * SharedArrayBuffer per worker, each with exactly one writer (no atomics needed: a reader may see a
 * figure one batch old, never a torn one on the 64-bit platforms we run on).
 *
 * Every update is a few additions on a Float64Array; the store observes once per batch, never per
 * message. Before `attach()` (and in tests that run models without a worker) the figures go to a
 * private array, so callers never check whether metrics are on.
 */
export const STORE_SECONDS_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
export const BATCH_ROWS_BUCKETS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

const BATCHES = 0;
const ROWS = 1;
const FAILED_BATCHES = 2;
const BACKEND_ERRORS = 3;
const SECONDS_SUM = 4;
const SECONDS_COUNTS = 5;
const ROWS_COUNTS = SECONDS_COUNTS + STORE_SECONDS_BUCKETS.length + 1;
/** Float64 slots per worker. */
export const WORKER_STATS_SLOTS = ROWS_COUNTS + BATCH_ROWS_BUCKETS.length + 1;

export class WorkerStats {
  private a: Float64Array<ArrayBufferLike> = new Float64Array(WORKER_STATS_SLOTS);

  /** Move to this worker's region of the shared buffer (keeping what was counted so far). */
  attach(buffer: SharedArrayBuffer | undefined, worker: number): void {
    if (!buffer) return;
    const shared = new Float64Array(buffer, worker * WORKER_STATS_SLOTS * 8, WORKER_STATS_SLOTS);
    for (let i = 0; i < WORKER_STATS_SLOTS; i++) shared[i]! += this.a[i]!;
    this.a = shared;
  }

  /** One group-commit transaction committed: its row count and how long it took. */
  batchStored(rows: number, seconds: number): void {
    const a = this.a;
    a[BATCHES]! += 1;
    a[ROWS]! += rows;
    a[SECONDS_SUM]! += seconds;
    a[SECONDS_COUNTS + bucketOf(STORE_SECONDS_BUCKETS, seconds)]! += 1;
    a[ROWS_COUNTS + bucketOf(BATCH_ROWS_BUCKETS, rows)]! += 1;
  }

  /** A batch that was not stored (its messages get no ack, msg_id 0). */
  batchFailed(): void { this.a[FAILED_BATCHES]! += 1; }

  /** A failed MySQL statement or Redis command (DbError / CacheError). */
  backendError(): void { this.a[BACKEND_ERRORS]! += 1; }
}

function bucketOf(bounds: readonly number[], v: number): number {
  let i = 0;
  while (i < bounds.length && v > bounds[i]!) i++;
  return i;
}

/** This thread's figures (each worker thread has its own copy of this module). */
export const workerStats = new WorkerStats();

/** The shared buffer for `workers` workers; handed to them in DbProxyConfig.workerStats. */
export function allocateWorkerStats(workers: number): SharedArrayBuffer {
  return new SharedArrayBuffer(workers * WORKER_STATS_SLOTS * 8);
}

/** The I/O thread's view: every worker's figures summed, read at scrape time. */
export class WorkerStatsReader {
  private readonly a: Float64Array;
  private readonly workers: number;

  constructor(buffer: SharedArrayBuffer) {
    this.a = new Float64Array(buffer);
    this.workers = Math.floor(this.a.length / WORKER_STATS_SLOTS);
  }

  private sum(slot: number): number {
    let s = 0;
    for (let w = 0; w < this.workers; w++) s += this.a[w * WORKER_STATS_SLOTS + slot]!;
    return s;
  }

  get batches(): number { return this.sum(BATCHES); }
  get rows(): number { return this.sum(ROWS); }
  get failedBatches(): number { return this.sum(FAILED_BATCHES); }
  get backendErrors(): number { return this.sum(BACKEND_ERRORS); }

  storeSeconds(): HistogramData {
    return this.histogram(STORE_SECONDS_BUCKETS, SECONDS_COUNTS, this.sum(SECONDS_SUM));
  }

  batchRows(): HistogramData {
    return this.histogram(BATCH_ROWS_BUCKETS, ROWS_COUNTS, this.rows);
  }

  private histogram(buckets: readonly number[], first: number, sum: number): HistogramData {
    const counts: number[] = [];
    let count = 0;
    for (let i = 0; i <= buckets.length; i++) {
      const n = this.sum(first + i);
      counts.push(n);
      count += n;
    }
    return { buckets, counts, sum, count };
  }
}
