import type { Pdu } from '../../../pdu/Pdu';
import { Cid } from '../../../pdu/commands';
import { encodeBody } from '../../../pdu/codec';
import { IM } from '../../../pdu/gen/im';
import type { MsgConn } from '../MsgConn';
import { forwardToDb } from './forward';

// Group requests go to the general pool; without a db_proxy link the client gets an immediate
// failure or empty answer (servers.md §4.9 "no upstream"). Original bug (protocol.md §9 item 16):
// those immediate answers lacked required fields (user_id, group_id); they are complete here.
// Rewrite (servers.md §6.6): a create, member change or shield db_proxy does not answer within
// DbRequestTimeoutMs gets the same failure (result 1); the two lists get nothing (logged).

function reply(conn: MsgConn, pdu: Pdu, cid: number, body: Uint8Array): void {
  conn.send(cid, body, { seq: pdu.header.seq });
}

export const handleNormalGroupList = forwardToDb(IM.Group.IMNormalGroupListReq, 'general', {
  reply: Cid.CID_GROUP_NORMAL_LIST_RESPONSE,
  onNoUpstream: (conn, pdu) => reply(conn, pdu, Cid.CID_GROUP_NORMAL_LIST_RESPONSE, encodeBody(IM.Group.IMNormalGroupListRsp, { userId: conn.userId })),
});

export const handleGroupInfo = forwardToDb(IM.Group.IMGroupInfoListReq, 'general', {
  ctx: 'B',
  reply: Cid.CID_GROUP_INFO_RESPONSE,
  onNoUpstream: (conn, pdu) => reply(conn, pdu, Cid.CID_GROUP_INFO_RESPONSE, encodeBody(IM.Group.IMGroupInfoListRsp, { userId: conn.userId })),
});

function createFailed(conn: MsgConn, pdu: Pdu, msg: IM.Group.IMGroupCreateReq): void {
  reply(conn, pdu, Cid.CID_GROUP_CREATE_RESPONSE, encodeBody(IM.Group.IMGroupCreateRsp, { userId: conn.userId, resultCode: 1, groupName: msg.groupName }));
}

/**
 * Clients may only create temporary groups. The original dropped a NORMAL request without a word;
 * it is answered with result 1 here (every request gets an answer).
 */
export const handleGroupCreate = forwardToDb(IM.Group.IMGroupCreateReq, 'general', {
  check: (conn, msg) => {
    if (msg.groupType !== IM.BaseDefine.GroupType.GROUP_TYPE_NORMAL) return true;
    conn.server.log.warn({ conn: conn.handle, user: conn.userId }, 'client asked for a normal group; refused');
    conn.send(Cid.CID_GROUP_CREATE_RESPONSE, encodeBody(IM.Group.IMGroupCreateRsp, { userId: conn.userId, resultCode: 1, groupName: msg.groupName }));
    return false;
  },
  onNoUpstream: createFailed,
  reply: Cid.CID_GROUP_CREATE_RESPONSE,
  timeoutReply: (userId, msg) => encodeBody(IM.Group.IMGroupCreateRsp, { userId, resultCode: 1, groupName: msg.groupName }),
});

export const handleGroupChangeMember = forwardToDb(IM.Group.IMGroupChangeMemberReq, 'general', {
  onNoUpstream: (conn, pdu, msg) => reply(conn, pdu, Cid.CID_GROUP_CHANGE_MEMBER_RESPONSE, encodeBody(IM.Group.IMGroupChangeMemberRsp, {
    userId: conn.userId, changeType: msg.changeType, resultCode: 1, groupId: msg.groupId,
  })),
  reply: Cid.CID_GROUP_CHANGE_MEMBER_RESPONSE,
  timeoutReply: (userId, msg) => encodeBody(IM.Group.IMGroupChangeMemberRsp, { userId, changeType: msg.changeType, resultCode: 1, groupId: msg.groupId }),
});

export const handleGroupShield = forwardToDb(IM.Group.IMGroupShieldReq, 'general', {
  onNoUpstream: (conn, pdu, msg) => reply(conn, pdu, Cid.CID_GROUP_SHIELD_GROUP_RESPONSE, encodeBody(IM.Group.IMGroupShieldRsp, {
    userId: conn.userId, groupId: msg.groupId, resultCode: 1,
  })),
  reply: Cid.CID_GROUP_SHIELD_GROUP_RESPONSE,
  timeoutReply: (userId, msg) => encodeBody(IM.Group.IMGroupShieldRsp, { userId, groupId: msg.groupId, resultCode: 1 }),
});
