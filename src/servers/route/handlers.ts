import { IM } from '../../pdu/gen/im';
import { Cid } from '../../pdu/commands';
import { decodeBody, encodeBody, has } from '../../pdu/codec';
import { HandlerTable, Handler } from '../../net/HandlerTable';
import { HEADER_LENGTH, writeHeader } from '../../pdu/header';
import type { Pdu } from '../../pdu/Pdu';
import { PduError } from '../../pdu/PduError';
import type { RouteLink } from './RouteLink';
import { isWellFormedProtobuf } from './wireCheck';

/** CID_OTHER_HEARTBEAT: receiving it already refreshed the link's receive time; never echoed. */
function handleHeartbeat(): void {}

/** CID_OTHER_ONLINE_USER_INFO: a (re)connected msg_server lists its terminals; applied silently (§5.4). */
function handleOnlineUserInfo(link: RouteLink, pdu: Pdu): void {
  const info = decodeBody(IM.Server.IMOnlineUserInfo, pdu);
  for (const s of info.userStatList) link.hub.users.apply(link, s.userId, s.status, s.clientType);
}

/** CID_OTHER_USER_STATUS_UPDATE: one terminal came or went; table update then notifies (§5.3, §5.4). */
function handleUserStatusUpdate(link: RouteLink, pdu: Pdu): void {
  const u = decodeBody(IM.Server.IMUserStatusUpdate, pdu);
  link.hub.statusUpdate(link, u.userId, u.userStatus, u.clientType);
}

/** CID_OTHER_ROLE_SET: remembered, never acted on (servers.md §5.5). Accepted before or after the user info. */
function handleRoleSet(link: RouteLink, pdu: Pdu): void {
  link.master = decodeBody(IM.Server.IMRoleSet, pdu).master === 1;
}

/**
 * CID_BUDDY_LIST_USERS_STATUS_REQUEST (servers.md §5.7): one entry per requested id in request
 * order, unknown ids offline; user_id and attach_data echoed (attach byte for byte, and only when
 * the request carried it); the request's seq; on the same link.
 */
function handleUsersStatusRequest(link: RouteLink, pdu: Pdu): void {
  const req = decodeBody(IM.Buddy.IMUsersStatReq, pdu);
  const users = link.hub.users;
  const rsp: IM.Buddy.IIMUsersStatRsp = {
    userId: req.userId,
    userStatList: req.userIdList.map((id) => ({ userId: id, status: users.status(id) })),
  };
  if (has(req, 'attachData')) rsp.attachData = req.attachData;
  link.send(Cid.CID_BUDDY_LIST_USERS_STATUS_RESPONSE, encodeBody(IM.Buddy.IMUsersStatRsp, rsp), {
    seq: pdu.header.seq,
  });
}

/** The received PDU as it was on the wire: route_server relays without re-encoding (§5.5). */
function frameOf(pdu: Pdu): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LENGTH + pdu.body.length);
  writeHeader(out, 0, { ...pdu.header, length: HEADER_LENGTH + pdu.body.length });
  pdu.body.copy(out, HEADER_LENGTH);
  return out;
}

function checkedFrame(pdu: Pdu): Buffer {
  if (!isWellFormedProtobuf(pdu.body)) {
    throw new PduError('bad-protobuf', 'relayed body is not protobuf wire format', pdu.header.commandId);
  }
  return frameOf(pdu);
}

/** Relays that go to every link except the sender: the sender delivered locally already. */
function relayToOthers(link: RouteLink, pdu: Pdu): void {
  link.hub.broadcast(checkedFrame(pdu), link);
}

/** CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY goes back to the sender too (servers.md §5.5). */
function relayToAll(link: RouteLink, pdu: Pdu): void {
  link.hub.broadcast(checkedFrame(pdu));
}

const relayedToOthers = [
  Cid.CID_MSG_DATA,
  Cid.CID_SWITCH_P2P_CMD,
  Cid.CID_MSG_READ_NOTIFY,
  Cid.CID_OTHER_SERVER_KICK_USER,
  Cid.CID_GROUP_CHANGE_MEMBER_NOTIFY,
  Cid.CID_FILE_NOTIFY,
  Cid.CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY,
];

/** route_server's one dispatch table (protocol.md §2.9); anything else is logged and dropped by Conn. */
export const routeHandlers = new HandlerTable<RouteLink>([
  [Cid.CID_OTHER_HEARTBEAT, handleHeartbeat],
  [Cid.CID_OTHER_ONLINE_USER_INFO, handleOnlineUserInfo],
  [Cid.CID_OTHER_USER_STATUS_UPDATE, handleUserStatusUpdate],
  [Cid.CID_OTHER_ROLE_SET, handleRoleSet],
  [Cid.CID_BUDDY_LIST_USERS_STATUS_REQUEST, handleUsersStatusRequest],
  ...relayedToOthers.map((cid) => [cid, relayToOthers] as [number, Handler<RouteLink>]),
  [Cid.CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY, relayToAll],
]);
