import { HandlerTable } from '../../../net/HandlerTable';
import type { Pdu } from '../../../pdu/Pdu';
import { Cid } from '../../../pdu/commands';
import { decodeBody, encodeBody } from '../../../pdu/codec';
import { IM } from '../../../pdu/gen/im';
import type { PeerConn } from '../../../links/PeerConn';
import { FileLink } from '../../../links/FileLink';
import type { MsgServer } from '../MsgServer';
import type { MsgConn } from '../MsgConn';
import { parseContext } from '../Context';
import { bind, ignore, LinkHandler } from './bind';
import { awaited, toRequester } from './replies';
import { onValidateRsp } from './validate';
import { groupFanout, isFanoutContext, onStoreReply } from './messages';
import { onDeviceTokens, onShieldRsp } from './push';

/** Single-session removals are synchronised to the user's other terminals (servers.md §4.9). */
function afterRemoveSession(s: MsgServer, conn: MsgConn, rsp: IM.Buddy.IMRemoveSessionRsp): void {
  if (rsp.resultCode !== 0 || rsp.sessionType !== IM.BaseDefine.SessionType.SESSION_TYPE_SINGLE) return;
  const notify = s.frame(Cid.CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY, IM.Buddy.IMRemoveSessionNotify, {
    userId: conn.userId, sessionType: rsp.sessionType, sessionId: rsp.sessionId,
  });
  s.sendToUser(conn.userId, notify, conn);
  // Queued without a master: the removal is stored and the user's terminals elsewhere are never told again.
  s.route.relay(notify);
}

/**
 * A changed signature reaches every terminal of every user, through route_server, which echoes it
 * to this msg_server too. Without a route link the original told nobody; here the users of this
 * msg_server at least are told.
 */
function afterSignInfo(s: MsgServer, conn: MsgConn, rsp: IM.Buddy.IMChangeSignInfoRsp): void {
  if (rsp.resultCode !== 0) return;
  const notify = s.frame(Cid.CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY, IM.Buddy.IMSignInfoChangedNotify, {
    changedUserId: conn.userId, signInfo: rsp.signInfo ?? '',
  });
  // Not queued (servers.md §6.6 Rewrite): route_server echoes it to us too, so a queued copy would
  // keep the users here waiting for the outage to end; the new text is stored and reaches clients
  // elsewhere with their next user-info refresh.
  if (!s.route.sendMaster(notify)) s.sendToEveryone(notify, false);
}

/**
 * servers.md §4.12: the members named in the change hear about it here and through route_server.
 * Original bug: a user in both lists got it twice; once here.
 */
function afterChangeMember(s: MsgServer, conn: MsgConn, rsp: IM.Group.IMGroupChangeMemberRsp): void {
  if (rsp.resultCode !== 0) return;
  const notify = s.frame(Cid.CID_GROUP_CHANGE_MEMBER_NOTIFY, IM.Group.IMGroupChangeMemberNotify, {
    userId: conn.userId, changeType: rsp.changeType, groupId: rsp.groupId,
    curUserIdList: rsp.curUserIdList, chgUserIdList: rsp.chgUserIdList,
  });
  // Queued without a master: stored membership change, never re-announced; kept in order with the group's messages.
  s.route.relay(notify);
  for (const id of new Set([...rsp.chgUserIdList, ...rsp.curUserIdList])) s.sendToUser(id, notify, conn);
}

const onGroupInfo: LinkHandler = (s, link, pdu) => {
  const rsp = decodeBody(IM.Group.IMGroupInfoListRsp, pdu);
  const ctx = parseContext(rsp.attachData);
  if (isFanoutContext(ctx)) { groupFanout(s, link, rsp, ctx); return; }
  forwardGroupInfo(s, link, pdu);
};
const forwardGroupInfo = toRequester(IM.Group.IMGroupInfoListRsp);

/**
 * The file_server addresses are added to the offline-file list. Original bug: attach_data was
 * passed on to the client (protocol.md §3.6); cleared here like every other reply.
 */
const onHasOffline: LinkHandler = (s, _link, pdu: Pdu) => {
  const rsp = decodeBody(IM.File.IMFileHasOfflineRsp, pdu);
  const r = s.requester(rsp.userId, rsp.attachData);
  if (!r) return;
  if (!awaited(s, r.ctx.handle, pdu)) return;
  delete (rsp as { attachData?: unknown }).attachData;
  rsp.ipAddrList = FileLink.addresses(s.links.file.pick());
  r.conn.sendRaw(s.reframe(pdu.header, Cid.CID_FILE_HAS_OFFLINE_RES, encodeBody(IM.File.IMFileHasOfflineRsp, rsp)));
};

const onStopReceiving: LinkHandler = (s, link: PeerConn) => {
  s.log.warn({ peer: link.peer }, 'db_proxy is shutting down; link no longer used');
  link.stopUsing();
};

const logOnly: LinkHandler = (s, _link, pdu) => s.log.debug({ cid: pdu.header.commandId }, 'db_proxy reply logged only');

/** Everything msg_server accepts from db_proxy (servers.md §4.15). */
export function dbHandlers(s: MsgServer): HandlerTable<PeerConn> {
  return new HandlerTable<PeerConn>(bind(s, [
    [Cid.CID_OTHER_HEARTBEAT, ignore],
    [Cid.CID_OTHER_STOP_RECV_PACKET, onStopReceiving],
    [Cid.CID_OTHER_VALIDATE_RSP, onValidateRsp],
    [Cid.CID_MSG_DATA, onStoreReply],
    [Cid.CID_MSG_UNREAD_CNT_RESPONSE, toRequester(IM.Message.IMUnreadMsgCntRsp)],
    [Cid.CID_MSG_LIST_RESPONSE, toRequester(IM.Message.IMGetMsgListRsp)],
    [Cid.CID_MSG_GET_BY_MSG_ID_RES, toRequester(IM.Message.IMGetMsgByIdRsp)],
    [Cid.CID_MSG_GET_LATEST_MSG_ID_RSP, toRequester(IM.Message.IMGetLatestMsgIdRsp)],
    [Cid.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_RESPONSE, toRequester(IM.Buddy.IMRecentContactSessionRsp)],
    [Cid.CID_BUDDY_LIST_ALL_USER_RESPONSE, toRequester(IM.Buddy.IMAllUserRsp)],
    [Cid.CID_BUDDY_LIST_USER_INFO_RESPONSE, toRequester(IM.Buddy.IMUsersInfoRsp)],
    [Cid.CID_BUDDY_LIST_DEPARTMENT_RESPONSE, toRequester(IM.Buddy.IMDepartmentRsp)],
    [Cid.CID_BUDDY_LIST_REMOVE_SESSION_RES, toRequester(IM.Buddy.IMRemoveSessionRsp, afterRemoveSession)],
    [Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_RESPONSE, toRequester(IM.Buddy.IMChangeSignInfoRsp, afterSignInfo)],
    [Cid.CID_BUDDY_LIST_CHANGE_AVATAR_RESPONSE, toRequester(IM.Buddy.IMChangeAvatarRsp)],
    [Cid.CID_LOGIN_RES_PUSH_SHIELD, toRequester(IM.Login.IMPushShieldRsp)],
    [Cid.CID_LOGIN_RES_QUERY_PUSH_SHIELD, toRequester(IM.Login.IMQueryPushShieldRsp)],
    [Cid.CID_GROUP_NORMAL_LIST_RESPONSE, toRequester(IM.Group.IMNormalGroupListRsp)],
    [Cid.CID_GROUP_CREATE_RESPONSE, toRequester(IM.Group.IMGroupCreateRsp)],
    [Cid.CID_GROUP_SHIELD_GROUP_RESPONSE, toRequester(IM.Group.IMGroupShieldRsp)],
    [Cid.CID_GROUP_CHANGE_MEMBER_RESPONSE, toRequester(IM.Group.IMGroupChangeMemberRsp, afterChangeMember)],
    [Cid.CID_GROUP_INFO_RESPONSE, onGroupInfo],
    [Cid.CID_FILE_HAS_OFFLINE_RES, onHasOffline],
    [Cid.CID_LOGIN_RES_DEVICETOKEN, logOnly],
    [Cid.CID_OTHER_GET_DEVICE_TOKEN_RSP, onDeviceTokens],
    [Cid.CID_OTHER_GET_SHIELD_RSP, onShieldRsp],
  ]));
}
