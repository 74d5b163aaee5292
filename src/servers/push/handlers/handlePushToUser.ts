import { IM } from '../../../pdu/gen/im';
import { Cid } from '../../../pdu/commands';
import { decodeBody, encodeBody } from '../../../pdu/codec';
import type { Pdu } from '../../../pdu/Pdu';
import { notificationsOf } from '../Notification';
import type { PushConn } from '../PushConn';

/**
 * CID_OTHER_PUSH_TO_USER_REQ (edge.md §4.5): one result per token, in request order, answered with
 * CID_OTHER_PUSH_TO_USER_RSP carrying the request's seq at the standard offset (the original wrote a
 * zero seq at offset 14, protocol.md §1.8). msg_server only logs the answer.
 */
export async function handlePushToUser(conn: PushConn, pdu: Pdu): Promise<void> {
  const req = decodeBody(IM.Server.IMPushToUserReq, pdu, Cid.CID_OTHER_PUSH_TO_USER_REQ);
  const list = notificationsOf(req);
  const dispatcher = conn.ctx.dispatcher;
  dispatcher.stats.requests++;
  const results = await dispatcher.deliverAll(list);
  conn.ctx.log.debug({ link: conn.id, tokens: list.length, results }, 'push request handled');
  if (conn.closed) return;
  conn.send(Cid.CID_OTHER_PUSH_TO_USER_RSP, encodeBody(IM.Server.IMPushToUserRsp, {
    pushResultList: list.map((n, i) => ({ userToken: n.token, resultCode: results[i]! })),
  }), { seq: pdu.header.seq });
}
