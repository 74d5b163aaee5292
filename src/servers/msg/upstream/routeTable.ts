import { HandlerTable } from '../../../net/HandlerTable';
import { encodeFrame } from '../../../pdu/Pdu';
import { Cid } from '../../../pdu/commands';
import { decodeBody, encodeBody } from '../../../pdu/codec';
import { IM } from '../../../pdu/gen/im';
import type { PeerConn } from '../../../links/PeerConn';
import { parseContext, CTX_FILE, CTX_HANDLE, CTX_PUSH } from '../Context';
import { bind, ignore, LinkHandler } from './bind';
import { toRequester } from './replies';
import { onRoutedMsgData } from './messages';
import { onPushStatus } from './push';
import { onFileStatus } from './fileFlow';
import type { MsgServer } from '../MsgServer';
import type { BodyType } from '../../../pdu/BodyType';

/**
 * Another msg_server logged the user in: its older terminals of the same class here are kicked
 * and closed (servers.md §4.7; the original only marked them).
 */
const onServerKick: LinkHandler = (s, _link, pdu) => {
  const k = decodeBody(IM.Server.IMServerKickUser, pdu);
  const user = s.users.get(k.userId);
  if (!user) return;
  const targets = user.kickTargets(k.clientType);
  for (const c of targets) s.kick(c, k.reason);
  for (const c of targets) c.close();
};

/** CID_BUDDY_LIST_STATUS_NOTIFY: to every PC terminal here (servers.md §4.8). */
const onStatusNotify: LinkHandler = (s, _link, pdu) => {
  decodeBody(IM.Buddy.IMUserStatNotify, pdu);
  s.sendToEveryone(encodeFrame(Cid.CID_BUDDY_LIST_STATUS_NOTIFY, pdu.body), true);
};

/** CID_OTHER_LOGIN_STATUS_NOTIFY: remember it; the user's phones learn whether a PC is online. */
const onPcLoginStatus: LinkHandler = (s, _link, pdu) => {
  const n = decodeBody(IM.Server.IMServerPCLoginStatusNotify, pdu);
  const user = s.users.get(n.userId);
  if (!user) return;
  user.pcLoginStatus = n.loginStatus === 1 ? 1 : 0;
  const mobiles = user.mobileConns();
  if (mobiles.length === 0) return;
  const frame = s.frame(Cid.CID_BUDDY_LIST_PC_LOGIN_STATUS_NOTIFY, IM.Buddy.IMPCLoginStatusNotify, {
    userId: n.userId,
    loginStat: n.loginStatus === 1 ? IM.BaseDefine.UserStatType.USER_STATUS_ONLINE : IM.BaseDefine.UserStatType.USER_STATUS_OFFLINE,
  });
  for (const c of mobiles) if (!c.kicked) c.sendRaw(frame);
};

const forwardUsersStatus = toRequester(IM.Buddy.IMUsersStatRsp);

/** route_server's status answer, by context type: a client's query (1), a push (4), a file transfer (5). */
const onUsersStatus: LinkHandler = (s, link, pdu) => {
  const rsp = decodeBody(IM.Buddy.IMUsersStatRsp, pdu);
  const ctx = parseContext(rsp.attachData);
  if (!ctx) { s.log.warn('users status answer with a malformed context; dropped'); return; }
  if (ctx.type === CTX_HANDLE) forwardUsersStatus(s, link, pdu);
  else if (ctx.type === CTX_PUSH) onPushStatus(s, rsp, ctx);
  else if (ctx.type === CTX_FILE) onFileStatus(s, pdu, rsp, ctx);
  else s.log.warn({ type: ctx.type }, 'users status answer with an unknown context type; dropped');
};

/** A notify for one user's terminals here, re-framed with seq 0 (protocol.md §1.3 Rewrite). */
function toUser<T extends object>(type: BodyType<T, T>, pick: (m: T) => number[]): LinkHandler {
  return (s: MsgServer, _link: PeerConn, pdu) => {
    const m = decodeBody(type, pdu);
    const frame = encodeFrame(pdu.header.commandId, pdu.body);
    for (const id of new Set(pick(m))) s.sendToUser(id, frame);
  };
}

/**
 * Original bug: the sign-info notify fell through into the group-member handler (missing break).
 * Here it only reaches every terminal of every user.
 */
const onSignInfo: LinkHandler = (s, _link, pdu) => {
  decodeBody(IM.Buddy.IMSignInfoChangedNotify, pdu);
  s.sendToEveryone(encodeFrame(Cid.CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY, pdu.body), false);
};

/** P2P commands relayed from another msg_server: both users' terminals here, seq 0. */
const onP2p: LinkHandler = (s, _link, pdu) => {
  const m = decodeBody(IM.SwitchService.IMP2PCmdMsg, pdu);
  const frame = encodeFrame(Cid.CID_SWITCH_P2P_CMD, encodeBody(IM.SwitchService.IMP2PCmdMsg, m));
  s.sendToUser(m.fromUserId, frame);
  if (m.toUserId !== m.fromUserId) s.sendToUser(m.toUserId, frame);
};

/** Everything msg_server accepts from route_server (servers.md §4.15). */
export function routeHandlers(s: MsgServer): HandlerTable<PeerConn> {
  return new HandlerTable<PeerConn>(bind(s, [
    [Cid.CID_OTHER_HEARTBEAT, ignore],
    [Cid.CID_OTHER_SERVER_KICK_USER, onServerKick],
    [Cid.CID_BUDDY_LIST_STATUS_NOTIFY, onStatusNotify],
    [Cid.CID_OTHER_LOGIN_STATUS_NOTIFY, onPcLoginStatus],
    [Cid.CID_BUDDY_LIST_USERS_STATUS_RESPONSE, onUsersStatus],
    [Cid.CID_MSG_DATA, onRoutedMsgData],
    [Cid.CID_MSG_READ_NOTIFY, toUser(IM.Message.IMMsgDataReadNotify, (m) => [m.userId])],
    [Cid.CID_SWITCH_P2P_CMD, onP2p],
    [Cid.CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY, toUser(IM.Buddy.IMRemoveSessionNotify, (m) => [m.userId])],
    [Cid.CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY, onSignInfo],
    [Cid.CID_GROUP_CHANGE_MEMBER_NOTIFY, toUser(IM.Group.IMGroupChangeMemberNotify, (m) => [...(m.chgUserIdList ?? []), ...(m.curUserIdList ?? [])])],
    // Inconsistency kept (servers.md §4.13): remotely every terminal of the receiver gets it.
    [Cid.CID_FILE_NOTIFY, toUser(IM.File.IMFileNotify, (m) => [m.toUserId])],
  ]));
}
