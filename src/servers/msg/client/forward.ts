import type { Handler } from '../../../net/HandlerTable';
import type { Pdu } from '../../../pdu/Pdu';
import type { BodyType } from '../../../pdu/BodyType';
import { decodeBody, encodeBody } from '../../../pdu/codec';
import type { DbPoolKind } from '../../../links/DbProxyPool';
import type { MsgConn } from '../MsgConn';
import { bodyContext, CTX_HANDLE, handleContext } from '../Context';
import { registerTimeoutReply } from '../DbPending';
import { nowMs } from '../../../util/clock';

/** Which context a forwarded request carries (protocol.md §3.6): A = 12 bytes, B = 16 with N = 0. */
export type CtxForm = 'A' | 'B' | 'none';

export interface ForwardOptions<T> {
  /** The field overwritten with the session user (servers.md §4.9 "uid"). */
  userField?: keyof T & string;
  ctx?: CtxForm;
  /** What the client gets when no db_proxy link is open; default: nothing (logged). */
  onNoUpstream?: (conn: MsgConn, pdu: Pdu, msg: T) => void;
  /** A last look at the request before it leaves; return false to drop it. */
  check?: (conn: MsgConn, msg: T) => boolean;
  /**
   * Rewrite (servers.md §6.6): the command db_proxy answers with. Set, the request is tracked in
   * MsgServer.dbPending until that reply arrives or DbRequestTimeoutMs passes. Unset (a request
   * db_proxy never answers), it is not tracked.
   */
  reply?: number;
  /** The failure body sent as `reply` on timeout; unset for replies without a failure field (logged, dropped). */
  timeoutReply?: (userId: number, msg: T) => Uint8Array;
}

/** Overwrite the user field with the session user and put our context into attach_data. */
export function stamp<T extends object>(conn: MsgConn, msg: T, userField: string | undefined, ctx: CtxForm): T {
  const m = msg as Record<string, unknown>;
  if (userField) m[userField] = conn.userId;
  if (ctx === 'A') m.attachData = handleContext(conn.handle);
  else if (ctx === 'B') m.attachData = bodyContext(CTX_HANDLE, conn.handle);
  return msg;
}

/**
 * The handler for a request msg_server passes to db_proxy unchanged except for the session user
 * and its context (servers.md §4.9). The forwarded header keeps the client's seq, so db_proxy's
 * reply carries it back (protocol.md §1.3).
 */
export function forwardToDb<T extends object>(type: BodyType<T, T>, pool: DbPoolKind, opts: ForwardOptions<T> = {}): Handler<MsgConn> {
  const userField = opts.userField ?? ('userId' as keyof T & string);
  const ctx = opts.ctx ?? 'A';
  const { reply, timeoutReply } = opts;
  if (reply !== undefined && timeoutReply) registerTimeoutReply(reply);
  return (conn: MsgConn, pdu: Pdu): void => {
    const msg = decodeBody(type, pdu);
    if (opts.check && !opts.check(conn, msg)) return;
    const s = conn.server;
    stamp(conn, msg, userField, ctx);
    const frame = s.reframe(pdu.header, pdu.header.commandId, encodeBody(type, msg));
    const link = s.db.send(pool, frame);
    if (link) {
      if (reply !== undefined) {
        s.dbPending.track(conn.handle, conn.userId, pdu.header.seq, reply, timeoutReply && ((uid) => timeoutReply(uid, msg)), nowMs(), link);
      }
      return;
    }
    s.log.warn({ conn: conn.handle, user: conn.userId, cid: pdu.header.commandId }, 'no db_proxy link; request not forwarded');
    opts.onNoUpstream?.(conn, pdu, msg);
  };
}
