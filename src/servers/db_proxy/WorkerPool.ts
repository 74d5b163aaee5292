import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../util/log';
import type { DbProxyConfig } from './DbProxyConfig';
import { DONE_META, FromWorker, pack, RequestBatch, WorkerInit } from './wire';
import { workerIndex, WorkKey } from './workKey';

/** Where a worker's answers go: the I/O thread's link table. */
export type ReplySink = (connId: number, cid: number, frame: Uint8Array | null) => void;

const DRAIN_TIMEOUT_MS = 5000;

/**
 * The worker threads of db_proxy (db_proxy.md §2.6) seen from the I/O thread: requests go to the
 * worker their work key maps to; each answer comes back as one `done` message, handed to the sink
 * at once (a MessagePort wake-up, not the original's 10 ms poll, §2.3).
 */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  /** Requests of this event-loop turn per worker, posted together by flush(). */
  private outbox: Outbox[] = [];
  private flushScheduled = false;
  private inFlight = 0;
  private stopping = false;

  constructor(private readonly sink: ReplySink, private readonly log: Logger) {}

  get pending(): number {
    return this.inFlight;
  }

  get size(): number {
    return this.workers.length;
  }

  async start(config: DbProxyConfig, count: number): Promise<void> {
    const file = path.join(__dirname, 'worker', 'workerMain.js');
    const ready: Array<Promise<void>> = [];
    for (let index = 0; index < count; index++) {
      const init: WorkerInit = { index, workers: count, config };
      const w = new Worker(file, { workerData: init });
      this.workers.push(w);
      this.outbox.push(new Outbox());
      ready.push(new Promise<void>((resolve, reject) => {
        const onMsg = (m: FromWorker): void => { if (m.t === 'ready') { w.off('message', onMsg); resolve(); } };
        w.on('message', onMsg);
        w.once('error', reject);
      }));
      w.on('message', (m: FromWorker) => this.onMessage(m));
      w.on('error', (err) => this.log.error({ worker: index, err }, 'worker thread failed'));
      w.on('exit', (code) => {
        if (!this.stopping || code !== 0) this.log.error({ worker: index, code, stopping: this.stopping }, 'worker thread exited');
      });
    }
    await Promise.all(ready);
  }

  /** Queue one request; it goes to the worker at the end of this event-loop turn. */
  submit(connId: number, cid: number, seq: number, key: WorkKey, body: Uint8Array): void {
    // The body is owned (safe to keep until flush); it is copied into the batch's buffer there.
    this.outbox[workerIndex(key, this.workers.length)]!.add(connId, cid, seq, key, body);
    this.inFlight++;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    this.workers.forEach((w, i) => {
      const box = this.outbox[i]!;
      if (box.keys.length === 0) return;
      this.outbox[i] = new Outbox();
      const batch: RequestBatch = { t: 'reqs', meta: box.meta, keys: box.keys, bodies: pack(box.bodies, box.bytes) };
      w.postMessage(batch, [batch.bodies.buffer as ArrayBuffer]);
    });
  }

  private onMessage(m: FromWorker): void {
    if (m.t !== 'dones') return;
    const { meta, frames } = m;
    let off = 0;
    for (let i = 0; i < meta.length; i += DONE_META) {
      const len = meta[i + 2]!;
      const frame = len >= 0 ? frames.subarray(off, off + len) : null;
      if (len > 0) off += len;
      this.inFlight--;
      this.sink(meta[i]!, meta[i + 1]!, frame);
    }
  }

  /**
   * Rewrite of the SIGTERM path (§1): let every queued task finish and its reply go out (bounded
   * wait), then close the backends and stop the threads.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.flush();
    const exited = this.workers.map((w) => new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.postMessage({ t: 'drain' });
    }));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(exited), new Promise<void>((r) => { timer = setTimeout(r, DRAIN_TIMEOUT_MS); })]);
    if (timer) clearTimeout(timer);
    if (this.inFlight > 0) this.log.warn({ pending: this.inFlight }, 'stopping with requests still unanswered');
    // Only threads that did not finish in time are killed.
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** One worker's requests of the current event-loop turn. */
class Outbox {
  readonly meta: number[] = [];
  readonly keys: WorkKey[] = [];
  readonly bodies: Uint8Array[] = [];
  bytes = 0;

  add(connId: number, cid: number, seq: number, key: WorkKey, body: Uint8Array): void {
    this.meta.push(connId, cid, seq, body.length);
    this.keys.push(key);
    this.bodies.push(body);
    this.bytes += body.length;
  }
}
