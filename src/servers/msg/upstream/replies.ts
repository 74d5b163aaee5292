import type { Pdu } from '../../../pdu/Pdu';
import type { BodyType } from '../../../pdu/BodyType';
import { decodeBody, encodeBody } from '../../../pdu/codec';
import type { PeerConn } from '../../../links/PeerConn';
import type { MsgServer } from '../MsgServer';
import type { MsgConn } from '../MsgConn';
import type { LinkHandler } from './bind';
import { answersOnTimeout } from '../DbPending';

/**
 * Rewrite (servers.md §6.6): settle the request's db_proxy timeout entry. False (drop the reply)
 * when the request already got its failure reply on timeout: never a second reply for one request.
 * A late reply of a command without a timeout reply is the first answer and goes on.
 */
export function awaited(s: MsgServer, handle: number, pdu: Pdu): boolean {
  const cid = pdu.header.commandId;
  if (s.dbPending.settle(handle, pdu.header.seq, cid) || !answersOnTimeout(cid)) return true;
  s.log.warn({ conn: handle, seq: pdu.header.seq, cid }, 'db_proxy reply after the request timed out with a failure reply; dropped');
  return false;
}

interface Routed {
  userId: number;
  attachData?: Uint8Array | null;
}

/**
 * The reply of a forwarded request: found by (user_id, context handle), attach_data cleared,
 * passed on with the header as received, so the client sees its own seq (servers.md §4.15).
 * `after` runs once the reply went out (notifications that follow a successful change).
 */
export function toRequester<T extends Routed>(type: BodyType<T, T>, after?: (s: MsgServer, conn: MsgConn, msg: T) => void, keepAttach = false): LinkHandler {
  return (s: MsgServer, _link: PeerConn, pdu: Pdu): void => {
    const msg = decodeBody(type, pdu);
    const r = s.requester(msg.userId, msg.attachData);
    if (!r) {
      s.log.debug({ cid: pdu.header.commandId, user: msg.userId }, 'reply for a connection that is gone; dropped');
      return;
    }
    if (!awaited(s, r.ctx.handle, pdu)) return;
    if (!keepAttach) delete (msg as { attachData?: unknown }).attachData;
    r.conn.sendRaw(s.reframe(pdu.header, pdu.header.commandId, encodeBody(type, msg)));
    after?.(s, r.conn, msg);
  };
}
