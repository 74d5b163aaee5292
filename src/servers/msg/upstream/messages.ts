import type { Pdu } from '../../../pdu/Pdu';
import { encodeFrame } from '../../../pdu/Pdu';
import { Cid } from '../../../pdu/commands';
import { decodeBody, encodeBody } from '../../../pdu/codec';
import { IM } from '../../../pdu/gen/im';
import type { PeerConn } from '../../../links/PeerConn';
import { nowMs } from '../../../util/clock';
import type { MsgServer } from '../MsgServer';
import type { MsgConn } from '../MsgConn';
import { bodyContext, Context, CTX_GROUP_MSG, parseContext } from '../Context';
import { isGroupMsg } from '../client/message';
import { requestDeviceTokens } from './push';

const SINGLE = IM.BaseDefine.SessionType.SESSION_TYPE_SINGLE;
const GROUP = IM.BaseDefine.SessionType.SESSION_TYPE_GROUP;

/**
 * db_proxy's CID_MSG_DATA: the message is stored (servers.md §4.10 steps 2-3, §4.11 steps 1-3).
 * Only now is the sender acked; then route_server gets db_proxy's PDU as is (other msg_servers
 * deliver it) and the local copies go out with seq 0 and no context.
 */
export function onStoreReply(s: MsgServer, link: PeerConn, pdu: Pdu): void {
  const msg = decodeBody(IM.Message.IMMsgData, pdu);
  const ctx = parseContext(msg.attachData);
  const sender = ctx ? s.conns.get(ctx.handle) : undefined;
  const from = sender && sender.open && sender.userId === msg.fromUserId ? sender : undefined;
  // servers.md §6.6 Rewrite: the store request's timeout entry is settled; a late store still acks (nothing was sent on timeout).
  if (ctx) s.dbPending.settle(ctx.handle, pdu.header.seq, Cid.CID_MSG_DATA);
  if (msg.msgId === 0) {
    // Not stored. Original: no reply at all; an ack with id 0 would read as "delivered", so none here either.
    s.log.warn({ user: msg.fromUserId, to: msg.toSessionId }, 'db_proxy could not store a message; sender gets no ack');
    return;
  }
  const group = isGroupMsg(msg.msgType);
  from?.send(Cid.CID_MSG_DATA_ACK, encodeBody(IM.Message.IMMsgDataAck, {
    userId: msg.fromUserId, sessionId: msg.toSessionId, msgId: msg.msgId, sessionType: group ? GROUP : SINGLE,
  }), { seq: pdu.header.seq });
  // Queued while there is no master (servers.md §6.6 item 6 Rewrite): the sender was just told
  // "stored", and the receivers on other msg_servers would otherwise hear of it only at their next sync.
  s.route.relay(s.reframe(pdu.header, Cid.CID_MSG_DATA, pdu.body));
  delete (msg as { attachData?: unknown }).attachData;
  const body = encodeBody(IM.Message.IMMsgData, msg);
  if (group) {
    requestGroupFanout(s, msg, body, ctx?.handle ?? 0);
    return;
  }
  deliverSingle(s, msg, body, from);
  requestDeviceTokens(s, link, [msg.toSessionId], body);
}

/**
 * A single message to every terminal of its sender (except the sending one) and its receiver
 * here, with seq 0 and no context (protocol.md §1.3 Rewrite; the original relayed copies kept the
 * sender's seq and context). Each copy is watched for the receiver's delivery ack.
 */
export function deliverSingle(s: MsgServer, msg: IM.Message.IMMsgData, body: Uint8Array, except?: MsgConn): void {
  const frame = encodeFrame(Cid.CID_MSG_DATA, body);
  const now = nowMs();
  const send = (c: MsgConn): void => {
    if (c === except || c.kicked || !c.sendRaw(frame)) return;
    c.watchDelivery(msg.msgId, msg.fromUserId, now);
    s.stats.downMsgs++;
  };
  const a = s.users.get(msg.fromUserId);
  if (a) for (const c of a.conns) send(c);
  if (msg.toSessionId !== msg.fromUserId) {
    const b = s.users.get(msg.toSessionId);
    if (b) for (const c of b.conns) send(c);
  }
}

/**
 * Group fan-out needs the member list: asked from db_proxy for every message (servers.md §4.11
 * step 3) with the message body in a type-3 context. `handle` is the sending connection here,
 * 0 for a message relayed from another msg_server.
 */
export function requestGroupFanout(s: MsgServer, msg: IM.Message.IMMsgData, body: Uint8Array, handle: number): void {
  const req = encodeBody(IM.Group.IMGroupInfoListReq, {
    userId: msg.fromUserId, groupVersionList: [{ groupId: msg.toSessionId, version: 0 }],
    attachData: bodyContext(CTX_GROUP_MSG, handle, body),
  });
  if (!s.db.send('general', encodeFrame(Cid.CID_GROUP_INFO_REQUEST, req))) {
    s.log.warn({ group: msg.toSessionId, msgId: msg.msgId }, 'no db_proxy link; group message stored but not delivered in real time');
  }
}

/**
 * CID_GROUP_INFO_RESPONSE carrying a message (servers.md §4.11 step 4): deliver to the members
 * here except the sending connection. Original bug: the copies carried the sender's context in
 * attach_data (protocol.md §3.6); the embedded body has none here. Pushes are computed only by the
 * msg_server that stored the message (handle != 0): the original pushed once per msg_server
 * (§4.11 Original bug, duplicate pushes).
 */
export function groupFanout(s: MsgServer, link: PeerConn, rsp: IM.Group.IMGroupInfoListRsp, ctx: Context): void {
  const group = rsp.groupInfoList[0];
  if (!group || !ctx.body) return;
  const msg = decodeBody(IM.Message.IMMsgData, ctx.body);
  const members = group.groupMemberList ?? [];
  if (!members.includes(msg.fromUserId)) {
    s.log.warn({ group: group.groupId, user: msg.fromUserId }, 'group message from a non-member; not delivered');
    return;
  }
  const frame = encodeFrame(Cid.CID_MSG_DATA, ctx.body);
  for (const id of members) {
    const u = s.users.get(id);
    if (!u) continue;
    for (const c of u.conns) if (!c.kicked && !(ctx.handle !== 0 && c.handle === ctx.handle)) c.sendRaw(frame);
  }
  if (ctx.handle === 0) return; // another msg_server stored it and pushes it
  if (!s.links.push.hasOpen()) {
    s.log.debug({ group: group.groupId }, 'no push_server link: group push skipped');
    return;
  }
  const shield = encodeBody(IM.Server.IMGroupGetShieldReq, { groupId: group.groupId, userId: members, attachData: ctx.body });
  link.send(Cid.CID_OTHER_GET_SHIELD_REQ, shield);
}

/** db_proxy's CID_GROUP_INFO_RESPONSE: a fan-out (type-3 context) or a client's own request. */
export function isFanoutContext(ctx: Context | undefined): ctx is Context {
  return ctx !== undefined && ctx.type === CTX_GROUP_MSG;
}

/**
 * CID_MSG_DATA relayed by route_server from another msg_server (servers.md §4.15): a group message
 * is fanned out here too (handle 0, no push); a single one goes to both users' terminals here.
 */
export function onRoutedMsgData(s: MsgServer, _link: PeerConn, pdu: Pdu): void {
  const msg = decodeBody(IM.Message.IMMsgData, pdu);
  delete (msg as { attachData?: unknown }).attachData;
  const body = encodeBody(IM.Message.IMMsgData, msg);
  if (isGroupMsg(msg.msgType)) {
    if (s.users.size > 0) requestGroupFanout(s, msg, body, 0);
    return;
  }
  deliverSingle(s, msg, body);
}
