import { parentPort, workerData } from 'node:worker_threads';
import { childLog } from '../../../util/log';
import { decodeBody } from '../pdu';
import { COMMAND_BY_CID } from '../commands';
import type { DoneMsg, FromWorker, RequestMsg, ToWorker, WorkerInit } from '../wire';
import { KeyedSerializer } from './KeyedSerializer';
import { RequestContext } from './RequestContext';
import { Services } from './Services';
import { SyncCenter } from './SyncCenter';

/**
 * A db_proxy worker thread (db_proxy.md §2.6): its own MySQL pools and Redis clients, a per-key
 * serializer, and the handlers. It receives requests by connection id and posts exactly one
 * `done` per request (with the reply frame, if the command has one) back to the I/O thread.
 */
const init = workerData as WorkerInit;
const port = parentPort!;
const log = childLog({ server: 'db_proxy', worker: init.index });
const services = new Services(init.config, init.workers, log);
const serializer = new KeyedSerializer();
const sync = new SyncCenter(services, serializer, init.index, init.workers, init.config.syncIntervalMs, log);

function post(msg: FromWorker, transfer?: ArrayBuffer[]): void {
  port.postMessage(msg, transfer ?? []);
}

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
    // An exact-size copy can be transferred; a pooled Buffer view would clone its whole pool slab.
    const frame = ctx.frame ? new Uint8Array(ctx.frame) : null;
    const done: DoneMsg = { t: 'done', connId: m.connId, cid: m.cid, frame };
    post(done, frame ? [frame.buffer as ArrayBuffer] : undefined);
  });
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'req') onRequest(m);
  else if (m.t === 'drain') {
    sync.stop();
    void serializer.idle().then(async () => {
      await services.close();
      post({ t: 'drained' });
      // Nothing is left on this thread's loop once the port closes: the thread exits by itself.
      port.close();
    });
  }
});

sync.start();
post({ t: 'ready' });
