import { Cid, IM } from './pdu';
import type { BodyType } from './pdu';
import type { RequestContext } from './worker/RequestContext';
import { conversationKey, groupKey, loginKey, sessionKey, userKey, WorkKey } from './workKey';
import { handleValidate, validateUnparsable } from './handlers/login';
import { handleAllUsers, handleChangeSignInfo, handleDepartments, handlePushShield, handleQueryPushShield, handleUsersInfo } from './handlers/user';
import { handleRecentSessions, handleRemoveSession } from './handlers/session';
import { handleLatestMsgId, handleMsgById, handleMsgData, handleMsgList } from './handlers/message';
import { handleReadAck, handleUnreadCount } from './handlers/unread';
import { handleDeviceToken, handleGetDeviceToken, handleGetShield } from './handlers/push';
import { handleChangeMember, handleGroupCreate, handleGroupInfo, handleGroupShield, handleNormalGroupList } from './handlers/group';
import { handleAddOfflineFile, handleDelOfflineFile, handleHasOfflineFile } from './handlers/file';

/**
 * One db_proxy command: its request body, the work key that decides which worker runs it and
 * what it must not overlap with (db_proxy.md §2.6), and its handler. The I/O thread uses `key`,
 * the worker `handle`; both find the entry by command id in COMMANDS.
 */
export interface DbCommand<T extends object = object> {
  cid: number;
  type: BodyType<T, never>;
  key(req: T): WorkKey;
  handle(ctx: RequestContext, req: T): Promise<void>;
  /** Answer for a body that does not parse (only validate has one, §4); default: none. */
  unparsable?(ctx: RequestContext): void;
}

function command<T extends object>(cid: number, type: BodyType<T, never>, key: (req: T) => WorkKey,
  handle: (ctx: RequestContext, req: T) => Promise<void>, unparsable?: (ctx: RequestContext) => void): DbCommand {
  return { cid, type, key, handle, unparsable } as unknown as DbCommand;
}

/** The 26 commands of db_proxy.md §6, and nothing else (heartbeats never reach this table). */
export const COMMANDS: readonly DbCommand[] = [
  command(Cid.CID_OTHER_VALIDATE_REQ, IM.Server.IMValidateReq, (r) => loginKey(r.userName), handleValidate, validateUnparsable),
  command(Cid.CID_LOGIN_REQ_PUSH_SHIELD, IM.Login.IMPushShieldReq, (r) => userKey(r.userId), handlePushShield),
  command(Cid.CID_LOGIN_REQ_QUERY_PUSH_SHIELD, IM.Login.IMQueryPushShieldReq, (r) => userKey(r.userId), handleQueryPushShield),
  command(Cid.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST, IM.Buddy.IMRecentContactSessionReq, (r) => userKey(r.userId), handleRecentSessions),
  // Keyed by the user, not the conversation: a client's own remove/read-ack and its next
  // recent-session or unread query arrive on one link and must not be reordered. A read ack cannot
  // overtake the counter of a message the reader has seen: messages are counted before their ack.
  command(Cid.CID_BUDDY_LIST_REMOVE_SESSION_REQ, IM.Buddy.IMRemoveSessionReq, (r) => userKey(r.userId), handleRemoveSession),
  command(Cid.CID_BUDDY_LIST_USER_INFO_REQUEST, IM.Buddy.IMUsersInfoReq, (r) => userKey(r.userId), handleUsersInfo),
  command(Cid.CID_BUDDY_LIST_ALL_USER_REQUEST, IM.Buddy.IMAllUserReq, (r) => userKey(r.userId), handleAllUsers),
  command(Cid.CID_BUDDY_LIST_DEPARTMENT_REQUEST, IM.Buddy.IMDepartmentReq, (r) => userKey(r.userId), handleDepartments),
  command(Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST, IM.Buddy.IMChangeSignInfoReq, (r) => userKey(r.userId), handleChangeSignInfo),
  command(Cid.CID_MSG_DATA, IM.Message.IMMsgData,
    (r) => (r.msgType === 0x11 || r.msgType === 0x12 ? groupKey(r.toSessionId) : conversationKey(r.fromUserId, r.toSessionId)), handleMsgData),
  command(Cid.CID_MSG_LIST_REQUEST, IM.Message.IMGetMsgListReq, (r) => sessionKey(r.userId, r.sessionType, r.sessionId), handleMsgList),
  command(Cid.CID_MSG_GET_BY_MSG_ID_REQ, IM.Message.IMGetMsgByIdReq, (r) => sessionKey(r.userId, r.sessionType, r.sessionId), handleMsgById),
  command(Cid.CID_MSG_GET_LATEST_MSG_ID_REQ, IM.Message.IMGetLatestMsgIdReq, (r) => sessionKey(r.userId, r.sessionType, r.sessionId), handleLatestMsgId),
  command(Cid.CID_MSG_UNREAD_CNT_REQUEST, IM.Message.IMUnreadMsgCntReq, (r) => userKey(r.userId), handleUnreadCount),
  command(Cid.CID_MSG_READ_ACK, IM.Message.IMMsgDataReadAck, (r) => userKey(r.userId), handleReadAck),
  command(Cid.CID_LOGIN_REQ_DEVICETOKEN, IM.Login.IMDeviceTokenReq, (r) => userKey(r.userId), handleDeviceToken),
  command(Cid.CID_OTHER_GET_DEVICE_TOKEN_REQ, IM.Server.IMGetDeviceTokenReq, (r) => userKey(r.userId[0] ?? 0), handleGetDeviceToken),
  command(Cid.CID_GROUP_SHIELD_GROUP_REQUEST, IM.Group.IMGroupShieldReq, (r) => groupKey(r.groupId), handleGroupShield),
  command(Cid.CID_OTHER_GET_SHIELD_REQ, IM.Server.IMGroupGetShieldReq, (r) => groupKey(r.groupId), handleGetShield),
  command(Cid.CID_GROUP_NORMAL_LIST_REQUEST, IM.Group.IMNormalGroupListReq, (r) => userKey(r.userId), handleNormalGroupList),
  command(Cid.CID_GROUP_INFO_REQUEST, IM.Group.IMGroupInfoListReq, (r) => userKey(r.userId), handleGroupInfo),
  command(Cid.CID_GROUP_CREATE_REQUEST, IM.Group.IMGroupCreateReq, (r) => userKey(r.userId), handleGroupCreate),
  command(Cid.CID_GROUP_CHANGE_MEMBER_REQUEST, IM.Group.IMGroupChangeMemberReq, (r) => groupKey(r.groupId), handleChangeMember),
  command(Cid.CID_FILE_HAS_OFFLINE_REQ, IM.File.IMFileHasOfflineReq, (r) => userKey(r.userId), handleHasOfflineFile),
  command(Cid.CID_FILE_ADD_OFFLINE_REQ, IM.File.IMFileAddOfflineReq, (r) => userKey(r.toUserId), handleAddOfflineFile),
  command(Cid.CID_FILE_DEL_OFFLINE_REQ, IM.File.IMFileDelOfflineReq, (r) => userKey(r.toUserId), handleDelOfflineFile),
];

export const COMMAND_BY_CID: ReadonlyMap<number, DbCommand> = new Map(COMMANDS.map((c) => [c.cid, c]));
