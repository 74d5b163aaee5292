import type { Pdu } from '../../../pdu/Pdu';
import { Cid } from '../../../pdu/commands';
import { decodeBody, encodeBody } from '../../../pdu/codec';
import { IM } from '../../../pdu/gen/im';
import type { MsgConn } from '../MsgConn';
import { bodyContext, CTX_HANDLE, handleContext } from '../Context';
import { nowSeconds } from './session';
import { nowMs } from '../../../util/clock';

const SESSION_SINGLE = IM.BaseDefine.SessionType.SESSION_TYPE_SINGLE;
/** A connection sending this many messages within one second is flooding: closed, not just throttled. */
const FLOOD_FACTOR = 10;

export function isGroupMsg(msgType: number): boolean {
  return msgType === IM.BaseDefine.MsgType.MSG_TYPE_GROUP_TEXT || msgType === IM.BaseDefine.MsgType.MSG_TYPE_GROUP_AUDIO;
}

/**
 * CID_MSG_DATA from a client (servers.md §4.9, §4.10 step 1): stamped with the session user, the
 * time and our context, and stored by db_proxy before anybody receives it; the ack follows the
 * store reply (upstream/storeReply.ts).
 */
export function handleMsgData(conn: MsgConn, pdu: Pdu): void {
  const s = conn.server;
  const limit = s.conf.msgRateLimit;
  if (++conn.msgsThisTick > limit) {
    s.stats.upDropped++;
    s.stats.rateLimited++;
    if (conn.msgsThisTick === limit + 1) s.log.warn({ conn: conn.handle, user: conn.userId, limit }, 'message rate limit reached; dropping for the rest of this second');
    if (conn.msgsThisTick > limit * FLOOD_FACTOR) {
      s.log.warn({ conn: conn.handle, user: conn.userId }, 'message flood; closing connection');
      conn.close();
    }
    return;
  }
  const msg = decodeBody(IM.Message.IMMsgData, pdu);
  if (msg.msgData.length === 0) { s.stats.upDropped++; return; }
  // Original: compared the client-supplied from_user_id (spoofable, protocol.md §4.6); the session user decides.
  if (!isGroupMsg(msg.msgType) && msg.toSessionId === conn.userId) { s.stats.upDropped++; return; }
  msg.fromUserId = conn.userId;
  msg.createTime = nowSeconds();
  msg.msgId = 0;
  msg.attachData = handleContext(conn.handle);
  const link = s.db.send('general', s.reframe(pdu.header, Cid.CID_MSG_DATA, encodeBody(IM.Message.IMMsgData, msg)));
  if (!link) {
    s.stats.upDropped++;
    s.log.warn({ conn: conn.handle, user: conn.userId }, 'no db_proxy link; message not stored, no ack');
    return;
  }
  // Rewrite (servers.md §6.6): tracked for the db_proxy timeout, without a failure reply: an ack
  // means "stored" to clients, so an unanswered store is only logged (and a late store reply still acks).
  s.dbPending.track(conn.handle, conn.userId, pdu.header.seq, Cid.CID_MSG_DATA, undefined, nowMs(), link);
  s.stats.upMsgs++;
}

/** CID_MSG_DATA_ACK from a receiver: clears the delivery watch entry (statistic only). */
export function handleMsgDataAck(conn: MsgConn, pdu: Pdu): void {
  const ack = decodeBody(IM.Message.IMMsgDataAck, pdu);
  if (ack.sessionType === SESSION_SINGLE) conn.unwatch(ack.msgId, ack.sessionId);
}

/**
 * CID_MSG_READ_ACK: db_proxy clears the unread counter (no reply); the reader's other devices
 * here and elsewhere get CID_MSG_READ_NOTIFY (servers.md §4.9).
 */
export function handleReadAck(conn: MsgConn, pdu: Pdu): void {
  const s = conn.server;
  const ack = decodeBody(IM.Message.IMMsgDataReadAck, pdu);
  ack.userId = conn.userId;
  if (!s.db.send('general', s.reframe(pdu.header, Cid.CID_MSG_READ_ACK, encodeBody(IM.Message.IMMsgDataReadAck, ack)))) {
    s.log.warn({ conn: conn.handle, user: conn.userId }, 'no db_proxy link; read ack not stored');
  }
  if (ack.sessionType === SESSION_SINGLE) conn.unwatch(ack.msgId, ack.sessionId);
  const notify = s.frame(Cid.CID_MSG_READ_NOTIFY, IM.Message.IMMsgDataReadNotify, {
    userId: conn.userId, sessionId: ack.sessionId, msgId: ack.msgId, sessionType: ack.sessionType,
  });
  s.sendToUser(conn.userId, notify, conn);
  // Queued without a master: the read state is stored, and the reader's devices elsewhere would
  // keep showing the message unread until they resync.
  s.route.relay(notify);
}

/**
 * CID_SWITCH_P2P_CMD: opaque client-to-client signalling to the sender's other terminals and the
 * receiver, here and through route_server. Original bugs fixed: the sender id was taken from the
 * client (spoofable) and the relayed PDU kept the sender's seq (protocol.md §1.3); both are now
 * the session user and 0.
 */
export function handleP2pCmd(conn: MsgConn, pdu: Pdu): void {
  const s = conn.server;
  const msg = decodeBody(IM.SwitchService.IMP2PCmdMsg, pdu);
  msg.fromUserId = conn.userId;
  const frame = s.frame(Cid.CID_SWITCH_P2P_CMD, IM.SwitchService.IMP2PCmdMsg, msg);
  s.sendToUser(conn.userId, frame, conn);
  if (msg.toUserId !== conn.userId) s.sendToUser(msg.toUserId, frame);
  // Not queued: live signalling between two clients (typing, shake), stored nowhere and meaningless late.
  s.route.sendMaster(frame);
}

/** CID_BUDDY_LIST_USERS_STATUS_REQUEST: answered by route_server through the master link. */
export function handleUsersStatus(conn: MsgConn, pdu: Pdu): void {
  const s = conn.server;
  const req = decodeBody(IM.Buddy.IMUsersStatReq, pdu);
  req.userId = conn.userId;
  req.attachData = bodyContext(CTX_HANDLE, conn.handle);
  if (!s.route.sendMaster(s.reframe(pdu.header, Cid.CID_BUDDY_LIST_USERS_STATUS_REQUEST, encodeBody(IM.Buddy.IMUsersStatReq, req)))) {
    s.log.warn({ conn: conn.handle, user: conn.userId }, 'no route_server link; users status request dropped');
  }
}
