import { encodeFrame } from '../../../pdu/Pdu';
import { encodeBody } from '../pdu';
import type { BodyType } from '../pdu';
import type { Services } from './Services';

/**
 * One request inside a worker: the services, and the reply slot. The reply header is version 1,
 * flag 0, the reply's own ids, the request's seq (db_proxy.md §4).
 */
export class RequestContext {
  frame: Uint8Array | null = null;
  /** Set by detach(): the part of the request that runs after its work key is released. */
  tail: Promise<void> | null = null;

  constructor(
    readonly s: Services,
    readonly connId: number,
    readonly seq: number,
    readonly cid: number,
  ) {}

  get log() {
    return this.s.log;
  }

  /**
   * Finish this request outside its work key: the handler returns (so the next request of the
   * same conversation may start) and the worker posts the answer once `rest` settles. Used by
   * CID_MSG_DATA so a conversation's next message is allocated while this one waits for its group
   * commit, instead of one message per conversation per commit.
   */
  detach(rest: Promise<void>): void {
    if (this.tail) throw new Error(`second detach for cid 0x${this.cid.toString(16)}`);
    this.tail = rest;
  }

  reply<I extends object>(cid: number, type: BodyType<object, I>, message: I): void {
    if (this.frame) throw new Error(`second reply for cid 0x${this.cid.toString(16)}`);
    this.frame = encodeFrame(cid, encodeBody(type, message), { seq: this.seq });
  }
}

/** attach_data of a reply: the request's bytes, present even when the request had none (§4). */
export function attachOf(req: { attachData?: Uint8Array | null }): Uint8Array {
  return req.attachData ?? new Uint8Array(0);
}
