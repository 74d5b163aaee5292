import { HandlerTable } from '../../../net/HandlerTable';
import { Cid } from '../../../pdu/commands';
import { IM } from '../../../pdu/gen/im';
import type { MsgConn } from '../MsgConn';
import { encodeBody } from '../../../pdu/codec';
import { forwardToDb } from './forward';
import { handleClientTime, handleDeviceToken, handleHeartbeat, handleKickPcClient, handleLogin, handleLogout } from './session';
import { handleMsgData, handleMsgDataAck, handleP2pCmd, handleReadAck, handleUsersStatus } from './message';
import { handleGroupChangeMember, handleGroupCreate, handleGroupInfo, handleGroupShield, handleNormalGroupList } from './group';
import { handleFileAddOffline, handleFileDelOffline, handleFileHasOffline, handleFileRequest } from './file';

/** result_code of a failure reply (protocol.md: every plain result_code, 0 ok, non-zero failed). */
const FAILED = 1;

/**
 * `reply` is the command db_proxy answers with; `timeoutReply` the failure a client gets instead
 * when db_proxy does not answer within DbRequestTimeoutMs (Rewrite, servers.md §6.6). Replies
 * without a failure field (lists, counts) get none: the timeout is logged and the request dropped.
 *
 * Every command a client may send to msg_server (servers.md §4.9). "login" / "general" is the
 * db_proxy pool (§1.10); 'A' / 'B' the context form in attach_data (protocol.md §3.6). Commands not
 * listed are logged and dropped (MsgConn.onUnknown). Before login only the first two are accepted.
 */
export const clientHandlers = new HandlerTable<MsgConn>([
  [Cid.CID_OTHER_HEARTBEAT, handleHeartbeat],
  [Cid.CID_LOGIN_REQ_USERLOGIN, handleLogin],

  [Cid.CID_LOGIN_REQ_LOGINOUT, handleLogout],
  [Cid.CID_LOGIN_REQ_DEVICETOKEN, handleDeviceToken],
  [Cid.CID_LOGIN_REQ_KICKPCCLIENT, handleKickPcClient],
  [Cid.CID_LOGIN_REQ_PUSH_SHIELD, forwardToDb(IM.Login.IMPushShieldReq, 'general', {
    ctx: 'B', reply: Cid.CID_LOGIN_RES_PUSH_SHIELD, timeoutReply: (userId) => encodeBody(IM.Login.IMPushShieldRsp, { userId, resultCode: FAILED }),
  })],
  [Cid.CID_LOGIN_REQ_QUERY_PUSH_SHIELD, forwardToDb(IM.Login.IMQueryPushShieldReq, 'general', {
    ctx: 'B', reply: Cid.CID_LOGIN_RES_QUERY_PUSH_SHIELD, timeoutReply: (userId) => encodeBody(IM.Login.IMQueryPushShieldRsp, { userId, resultCode: FAILED }),
  })],

  [Cid.CID_MSG_DATA, handleMsgData],
  [Cid.CID_MSG_DATA_ACK, handleMsgDataAck],
  [Cid.CID_MSG_READ_ACK, handleReadAck],
  [Cid.CID_MSG_TIME_REQUEST, handleClientTime],
  [Cid.CID_MSG_UNREAD_CNT_REQUEST, forwardToDb(IM.Message.IMUnreadMsgCntReq, 'login', { reply: Cid.CID_MSG_UNREAD_CNT_RESPONSE })],
  [Cid.CID_MSG_LIST_REQUEST, forwardToDb(IM.Message.IMGetMsgListReq, 'login', { reply: Cid.CID_MSG_LIST_RESPONSE })],
  [Cid.CID_MSG_GET_BY_MSG_ID_REQ, forwardToDb(IM.Message.IMGetMsgByIdReq, 'login', { reply: Cid.CID_MSG_GET_BY_MSG_ID_RES })],
  [Cid.CID_MSG_GET_LATEST_MSG_ID_REQ, forwardToDb(IM.Message.IMGetLatestMsgIdReq, 'general', { reply: Cid.CID_MSG_GET_LATEST_MSG_ID_RSP })],
  [Cid.CID_SWITCH_P2P_CMD, handleP2pCmd],

  [Cid.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST, forwardToDb(IM.Buddy.IMRecentContactSessionReq, 'login', { reply: Cid.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_RESPONSE })],
  [Cid.CID_BUDDY_LIST_USER_INFO_REQUEST, forwardToDb(IM.Buddy.IMUsersInfoReq, 'login', { reply: Cid.CID_BUDDY_LIST_USER_INFO_RESPONSE })],
  [Cid.CID_BUDDY_LIST_ALL_USER_REQUEST, forwardToDb(IM.Buddy.IMAllUserReq, 'general', { reply: Cid.CID_BUDDY_LIST_ALL_USER_RESPONSE })],
  [Cid.CID_BUDDY_LIST_DEPARTMENT_REQUEST, forwardToDb(IM.Buddy.IMDepartmentReq, 'general', { reply: Cid.CID_BUDDY_LIST_DEPARTMENT_RESPONSE })],
  [Cid.CID_BUDDY_LIST_REMOVE_SESSION_REQ, forwardToDb(IM.Buddy.IMRemoveSessionReq, 'general', {
    reply: Cid.CID_BUDDY_LIST_REMOVE_SESSION_RES,
    timeoutReply: (userId, req) => encodeBody(IM.Buddy.IMRemoveSessionRsp, { userId, resultCode: FAILED, sessionType: req.sessionType, sessionId: req.sessionId }),
  })],
  [Cid.CID_BUDDY_LIST_USERS_STATUS_REQUEST, handleUsersStatus],
  // db_proxy has no handler for it (protocol.md §2.3): forwarded like the original, never answered
  // (so not tracked for the db_proxy timeout: it would expire every time).
  [Cid.CID_BUDDY_LIST_CHANGE_AVATAR_REQUEST, forwardToDb(IM.Buddy.IMChangeAvatarReq, 'general', { ctx: 'A' })],
  [Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST, forwardToDb(IM.Buddy.IMChangeSignInfoReq, 'general', {
    ctx: 'B', reply: Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_RESPONSE,
    timeoutReply: (userId) => encodeBody(IM.Buddy.IMChangeSignInfoRsp, { userId, resultCode: FAILED }),
  })],

  [Cid.CID_GROUP_NORMAL_LIST_REQUEST, handleNormalGroupList],
  [Cid.CID_GROUP_INFO_REQUEST, handleGroupInfo],
  [Cid.CID_GROUP_CREATE_REQUEST, handleGroupCreate],
  [Cid.CID_GROUP_CHANGE_MEMBER_REQUEST, handleGroupChangeMember],
  [Cid.CID_GROUP_SHIELD_GROUP_REQUEST, handleGroupShield],

  [Cid.CID_FILE_REQUEST, handleFileRequest],
  [Cid.CID_FILE_HAS_OFFLINE_REQ, handleFileHasOffline],
  [Cid.CID_FILE_ADD_OFFLINE_REQ, handleFileAddOffline],
  [Cid.CID_FILE_DEL_OFFLINE_REQ, handleFileDelOffline],
]);
