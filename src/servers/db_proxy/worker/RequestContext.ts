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

  constructor(
    readonly s: Services,
    readonly connId: number,
    readonly seq: number,
    readonly cid: number,
  ) {}

  get log() {
    return this.s.log;
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
