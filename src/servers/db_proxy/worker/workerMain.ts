import { parentPort, workerData } from 'node:worker_threads';
import { childLog } from '../../../util/log';
import { decodeBody } from '../pdu';
import { COMMAND_BY_CID } from '../commands';
import { pack, REQ_META } from '../wire';
import type { DoneMsg, FromWorker, RequestBatch, RequestMsg, ToWorker, WorkerInit } from '../wire';
import { KeyedSerializer } from './KeyedSerializer';
import { RequestContext } from './RequestContext';
import { Services } from './Services';
import { SyncCenter } from './SyncCenter';
import { workerStats } from './WorkerStats';

/**
 * A db_proxy worker thread (db_proxy.md §2.6): its own MySQL pools and Redis clients, a per-key
 * serializer, and the handlers. It receives requests by connection id and posts exactly one
 * `done` per request (with the reply frame, if the command has one) back to the I/O thread.
 */
const init = workerData as WorkerInit;
const port = parentPort!;
const log = childLog({ server: 'db_proxy', worker: init.index });
workerStats.attach(init.config.workerStats, init.index);
const services = new Services(init.config, init.workers, log);
const serializer = new KeyedSerializer();
const sync = new SyncCenter(services, serializer, init.index, init.workers, init.config.syncIntervalMs, log);

function post(msg: FromWorker, transfer?: ArrayBuffer[]): void {
  port.postMessage(msg, transfer ?? []);
}

/** Detached request tails (see RequestContext.detach) still waiting to post their answer. */
const tails = new Set<Promise<void>>();

function onRequest(m: RequestMsg): void {
  serializer.run(m.key, async () => {
    const ctx = new RequestContext(services, m.connId, m.seq, m.cid);
    const cmd = COMMAND_BY_CID.get(m.cid);
    try {
      if (!cmd) {
        log.warn({ conn: m.connId, cid: m.cid }, 'worker got a command it has no handler for');
      } else {
        let req: object | undefined;
        try {
          req = decodeBody(cmd.type, m.body, m.cid);
        } catch (err) {
          log.warn({ conn: m.connId, cid: m.cid, err: (err as Error).message }, 'malformed request body');
          cmd.unparsable?.(ctx);
        }
        if (req) await cmd.handle(ctx, req);
      }
    } catch (err) {
      log.error({ conn: m.connId, cid: m.cid, err: (err as Error).message }, 'handler failed');
    }
    if (!ctx.tail) { postDone(m, ctx); return; }
    const tail: Promise<void> = ctx.tail
      .catch((err: Error) => log.error({ conn: m.connId, cid: m.cid, err: err.message }, 'handler failed after its work key was released'))
      .then(() => { tails.delete(tail); postDone(m, ctx); });
    tails.add(tail);
  });
}

/** Answers of this event-loop turn, posted to the I/O thread together by flushDone(). */
let outbox: DoneMsg[] = [];
let outboxBytes = 0;

function postDone(m: RequestMsg, ctx: RequestContext): void {
  outbox.push({ connId: m.connId, cid: m.cid, frame: ctx.frame });
  if (ctx.frame) outboxBytes += ctx.frame.length;
  if (outbox.length === 1) setImmediate(flushDone);
}

function flushDone(): void {
  const list = outbox;
  if (list.length === 0) return;
  const meta: number[] = [];
  for (const d of list) meta.push(d.connId, d.cid, d.frame ? d.frame.length : -1);
  // One fresh buffer for all frames: transferable, and never a pooled Buffer's whole slab.
  const frames = pack(list.map((d) => d.frame), outboxBytes);
  outbox = [];
  outboxBytes = 0;
  post({ t: 'dones', meta, frames }, [frames.buffer as ArrayBuffer]);
}

function onBatch(b: RequestBatch): void {
  let off = 0;
  for (let i = 0, k = 0; i < b.meta.length; i += REQ_META, k++) {
    const len = b.meta[i + 3]!;
    onRequest({ connId: b.meta[i]!, cid: b.meta[i + 1]!, seq: b.meta[i + 2]!, key: b.keys[k]!, body: b.bodies.subarray(off, off + len) });
    off += len;
  }
}

/** Nothing queued, running or detached. */
async function allIdle(): Promise<void> {
  for (;;) {
    await serializer.idle();
    if (tails.size === 0) return;
    await Promise.all([...tails]);
  }
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'reqs') onBatch(m);
  else if (m.t === 'drain') {
    sync.stop();
    void allIdle().then(async () => {
      await services.store.settled();
      await services.close();
      flushDone();
      post({ t: 'drained' });
      // Nothing is left on this thread's loop once the port closes: the thread exits by itself.
      port.close();
    });
  }
});

sync.start();
void services.warm();
post({ t: 'ready' });
