import type { IM } from '../../pdu/gen/im';
import { Cid } from '../../pdu/commands';
import { QueryCode, QueryError } from './QueryError';

/** The two replies http_msg_server waits for from db_proxy (edge.md §3.3), by command id. */
export interface DbReplies {
  [Cid.CID_GROUP_CREATE_RESPONSE]: IM.Group.IMGroupCreateRsp;
  [Cid.CID_GROUP_CHANGE_MEMBER_RESPONSE]: IM.Group.IMGroupChangeMemberRsp;
}
export type DbReplyCid = keyof DbReplies;

interface Waiter {
  cid: number;
  resolve(rsp: DbReplies[DbReplyCid]): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * HTTP requests waiting for db_proxy, by the handle carried in attach_data {type 3, handle, 0}
 * (edge.md §3.3). db_proxy answers out of order and on any link, so only the handle matters.
 *
 * Rewrite: a request db_proxy never answers (unknown group, bad type: db_proxy.md §6.22/6.23) gets
 * code 10 after DbReplyTimeoutMs; the original left the caller hanging until its 60 s idle timeout.
 */
export class PendingReplies {
  private nextHandle = 0;
  private readonly waiting = new Map<number, Waiter>();

  constructor(private readonly timeoutMs: number) {}

  get size(): number { return this.waiting.size; }

  /** A new per-connection handle: counts up, wraps at 2^32, never 0 and never one still waiting. */
  newHandle(): number {
    do {
      this.nextHandle = (this.nextHandle + 1) >>> 0;
    } while (this.nextHandle === 0 || this.waiting.has(this.nextHandle));
    return this.nextHandle;
  }

  wait<C extends DbReplyCid>(handle: number, cid: C): Promise<DbReplies[C]> {
    return new Promise<DbReplies[C]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(handle);
        reject(new QueryError(QueryCode.SERVER, `db_proxy did not answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      timer.unref();
      this.waiting.set(handle, {
        cid,
        // settle() checked the command id, so the reply is of the type asked for.
        resolve: (rsp) => resolve(rsp as DbReplies[C]),
        reject,
        timer,
      });
    });
  }

  /** A reply arrived; false when nobody waits for it (the HTTP caller left, or it timed out). */
  settle<C extends DbReplyCid>(handle: number, cid: C, rsp: DbReplies[C]): boolean {
    const w = this.waiting.get(handle);
    if (w === undefined || w.cid !== cid) return false;
    this.waiting.delete(handle);
    clearTimeout(w.timer);
    w.resolve(rsp);
    return true;
  }

  /** The caller is gone or the request could not be sent: forget it. */
  cancel(handle: number, err: Error): void {
    const w = this.waiting.get(handle);
    if (w === undefined) return;
    this.waiting.delete(handle);
    clearTimeout(w.timer);
    w.reject(err);
  }

  cancelAll(err: Error): void {
    for (const h of [...this.waiting.keys()]) this.cancel(h, err);
  }
}
