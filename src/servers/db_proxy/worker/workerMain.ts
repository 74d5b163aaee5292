import { parentPort, workerData } from 'node:worker_threads';
import { childLog } from '../../../util/log';
import { decodeBody } from '../pdu';
import { COMMAND_BY_CID } from '../commands';
import type { DoneMsg, FromWorker, RequestMsg, ToWorker, WorkerInit } from '../wire';
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

function postDone(m: RequestMsg, ctx: RequestContext): void {
  // An exact-size copy can be transferred; a pooled Buffer view would clone its whole pool slab.
  const frame = ctx.frame ? new Uint8Array(ctx.frame) : null;
  outbox.push({ t: 'done', connId: m.connId, cid: m.cid, frame });
  if (outbox.length === 1) setImmediate(flushDone);
}

function flushDone(): void {
  const list = outbox;
  if (list.length === 0) return;
  outbox = [];
  const transfer: ArrayBuffer[] = [];
  for (const d of list) if (d.frame) transfer.push(d.frame.buffer as ArrayBuffer);
  post({ t: 'dones', list }, transfer);
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
  if (m.t === 'reqs') for (const r of m.list) onRequest(r);
  else if (m.t === 'drain') {
    sync.stop();
    void allIdle().then(async () => {
      await services.close();
      flushDone();
      post({ t: 'drained' });
      // Nothing is left on this thread's loop once the port closes: the thread exits by itself.
      port.close();
    });
  }
});

sync.start();
post({ t: 'ready' });
