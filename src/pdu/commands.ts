import { IM } from './gen/im';
import { AnyBodyType, bodyTypeName } from './BodyType';

// Every service and command id of protocol.md §2, with the protobuf body each command carries.
// Names are the spec's (they are also the IM.BaseDefine enum member names). A command's service is
// always cid >> 8 (§1.2); commandInfo() is the one place that maps an id to its name and body type.

/** protocol.md §2.1 (IM.BaseDefine.ServiceID). SID_INTERNAL is defined but has no commands. */
export const Sid = {
  SID_LOGIN: 0x0001,
  SID_BUDDY_LIST: 0x0002,
  SID_MSG: 0x0003,
  SID_GROUP: 0x0004,
  SID_FILE: 0x0005,
  SID_SWITCH_SERVICE: 0x0006,
  SID_OTHER: 0x0007,
  SID_INTERNAL: 0x0008,
} as const;

/** protocol.md §2.2–2.8: all 95 command ids. */
export const Cid = {
  CID_LOGIN_REQ_MSGSERVER: 0x0101,
  CID_LOGIN_RES_MSGSERVER: 0x0102,
  CID_LOGIN_REQ_USERLOGIN: 0x0103,
  CID_LOGIN_RES_USERLOGIN: 0x0104,
  CID_LOGIN_REQ_LOGINOUT: 0x0105,
  CID_LOGIN_RES_LOGINOUT: 0x0106,
  CID_LOGIN_KICK_USER: 0x0107,
  CID_LOGIN_REQ_DEVICETOKEN: 0x0108,
  CID_LOGIN_RES_DEVICETOKEN: 0x0109,
  CID_LOGIN_REQ_KICKPCCLIENT: 0x010a,
  CID_LOGIN_RES_KICKPCCLIENT: 0x010b,
  CID_LOGIN_REQ_PUSH_SHIELD: 0x010c,
  CID_LOGIN_RES_PUSH_SHIELD: 0x010d,
  CID_LOGIN_REQ_QUERY_PUSH_SHIELD: 0x010e,
  CID_LOGIN_RES_QUERY_PUSH_SHIELD: 0x010f,
  CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST: 0x0201,
  CID_BUDDY_LIST_RECENT_CONTACT_SESSION_RESPONSE: 0x0202,
  CID_BUDDY_LIST_STATUS_NOTIFY: 0x0203,
  CID_BUDDY_LIST_USER_INFO_REQUEST: 0x0204,
  CID_BUDDY_LIST_USER_INFO_RESPONSE: 0x0205,
  CID_BUDDY_LIST_REMOVE_SESSION_REQ: 0x0206,
  CID_BUDDY_LIST_REMOVE_SESSION_RES: 0x0207,
  CID_BUDDY_LIST_ALL_USER_REQUEST: 0x0208,
  CID_BUDDY_LIST_ALL_USER_RESPONSE: 0x0209,
  CID_BUDDY_LIST_USERS_STATUS_REQUEST: 0x020a,
  CID_BUDDY_LIST_USERS_STATUS_RESPONSE: 0x020b,
  CID_BUDDY_LIST_CHANGE_AVATAR_REQUEST: 0x020c,
  CID_BUDDY_LIST_CHANGE_AVATAR_RESPONSE: 0x020d,
  CID_BUDDY_LIST_PC_LOGIN_STATUS_NOTIFY: 0x020e,
  CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY: 0x020f,
  CID_BUDDY_LIST_DEPARTMENT_REQUEST: 0x0210,
  CID_BUDDY_LIST_DEPARTMENT_RESPONSE: 0x0211,
  CID_BUDDY_LIST_AVATAR_CHANGED_NOTIFY: 0x0212,
  CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST: 0x0213,
  CID_BUDDY_LIST_CHANGE_SIGN_INFO_RESPONSE: 0x0214,
  CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY: 0x0215,
  CID_MSG_DATA: 0x0301,
  CID_MSG_DATA_ACK: 0x0302,
  CID_MSG_READ_ACK: 0x0303,
  CID_MSG_READ_NOTIFY: 0x0304,
  CID_MSG_TIME_REQUEST: 0x0305,
  CID_MSG_TIME_RESPONSE: 0x0306,
  CID_MSG_UNREAD_CNT_REQUEST: 0x0307,
  CID_MSG_UNREAD_CNT_RESPONSE: 0x0308,
  CID_MSG_LIST_REQUEST: 0x0309,
  CID_MSG_LIST_RESPONSE: 0x030a,
  CID_MSG_GET_LATEST_MSG_ID_REQ: 0x030b,
  CID_MSG_GET_LATEST_MSG_ID_RSP: 0x030c,
  CID_MSG_GET_BY_MSG_ID_REQ: 0x030d,
  CID_MSG_GET_BY_MSG_ID_RES: 0x030e,
  CID_GROUP_NORMAL_LIST_REQUEST: 0x0401,
  CID_GROUP_NORMAL_LIST_RESPONSE: 0x0402,
  CID_GROUP_INFO_REQUEST: 0x0403,
  CID_GROUP_INFO_RESPONSE: 0x0404,
  CID_GROUP_CREATE_REQUEST: 0x0405,
  CID_GROUP_CREATE_RESPONSE: 0x0406,
  CID_GROUP_CHANGE_MEMBER_REQUEST: 0x0407,
  CID_GROUP_CHANGE_MEMBER_RESPONSE: 0x0408,
  CID_GROUP_SHIELD_GROUP_REQUEST: 0x0409,
  CID_GROUP_SHIELD_GROUP_RESPONSE: 0x040a,
  CID_GROUP_CHANGE_MEMBER_NOTIFY: 0x040b,
  CID_FILE_LOGIN_REQ: 0x0501,
  CID_FILE_LOGIN_RES: 0x0502,
  CID_FILE_STATE: 0x0503,
  CID_FILE_PULL_DATA_REQ: 0x0504,
  CID_FILE_PULL_DATA_RSP: 0x0505,
  CID_FILE_REQUEST: 0x0506,
  CID_FILE_RESPONSE: 0x0507,
  CID_FILE_NOTIFY: 0x0508,
  CID_FILE_HAS_OFFLINE_REQ: 0x0509,
  CID_FILE_HAS_OFFLINE_RES: 0x050a,
  CID_FILE_ADD_OFFLINE_REQ: 0x050b,
  CID_FILE_DEL_OFFLINE_REQ: 0x050c,
  CID_SWITCH_P2P_CMD: 0x0601,
  CID_OTHER_HEARTBEAT: 0x0701,
  CID_OTHER_STOP_RECV_PACKET: 0x0702,
  CID_OTHER_VALIDATE_REQ: 0x0703,
  CID_OTHER_VALIDATE_RSP: 0x0704,
  CID_OTHER_GET_DEVICE_TOKEN_REQ: 0x0705,
  CID_OTHER_GET_DEVICE_TOKEN_RSP: 0x0706,
  CID_OTHER_ROLE_SET: 0x0707,
  CID_OTHER_ONLINE_USER_INFO: 0x0708,
  CID_OTHER_MSG_SERV_INFO: 0x0709,
  CID_OTHER_USER_STATUS_UPDATE: 0x070a,
  CID_OTHER_USER_CNT_UPDATE: 0x070b,
  CID_OTHER_SERVER_KICK_USER: 0x070d,
  CID_OTHER_LOGIN_STATUS_NOTIFY: 0x070e,
  CID_OTHER_PUSH_TO_USER_REQ: 0x070f,
  CID_OTHER_PUSH_TO_USER_RSP: 0x0710,
  CID_OTHER_GET_SHIELD_REQ: 0x0711,
  CID_OTHER_GET_SHIELD_RSP: 0x0712,
  CID_OTHER_FILE_TRANSFER_REQ: 0x0731,
  CID_OTHER_FILE_TRANSFER_RSP: 0x0732,
  CID_OTHER_FILE_SERVER_IP_REQ: 0x0733,
  CID_OTHER_FILE_SERVER_IP_RSP: 0x0734,
} as const;

export type CidName = keyof typeof Cid;
export type SidName = keyof typeof Sid;

export interface CommandInfo {
  readonly commandId: number;
  readonly serviceId: number;
  /** e.g. "CID_LOGIN_REQ_USERLOGIN" */
  readonly name: CidName;
  /** e.g. "SID_LOGIN" */
  readonly serviceName: SidName;
  /** the generated class of the body, e.g. IM.Login.IMLoginReq */
  readonly bodyType: AnyBodyType;
  /** e.g. "IM.Login.IMLoginReq" */
  readonly bodyTypeName: string;
}

const BODY_TYPES: ReadonlyArray<readonly [number, AnyBodyType]> = [
  [Cid.CID_LOGIN_REQ_MSGSERVER, IM.Login.IMMsgServReq],
  [Cid.CID_LOGIN_RES_MSGSERVER, IM.Login.IMMsgServRsp],
  [Cid.CID_LOGIN_REQ_USERLOGIN, IM.Login.IMLoginReq],
  [Cid.CID_LOGIN_RES_USERLOGIN, IM.Login.IMLoginRes],
  [Cid.CID_LOGIN_REQ_LOGINOUT, IM.Login.IMLogoutReq],
  [Cid.CID_LOGIN_RES_LOGINOUT, IM.Login.IMLogoutRsp],
  [Cid.CID_LOGIN_KICK_USER, IM.Login.IMKickUser],
  [Cid.CID_LOGIN_REQ_DEVICETOKEN, IM.Login.IMDeviceTokenReq],
  [Cid.CID_LOGIN_RES_DEVICETOKEN, IM.Login.IMDeviceTokenRsp],
  [Cid.CID_LOGIN_REQ_KICKPCCLIENT, IM.Login.IMKickPCClientReq],
  [Cid.CID_LOGIN_RES_KICKPCCLIENT, IM.Login.IMKickPCClientRsp],
  [Cid.CID_LOGIN_REQ_PUSH_SHIELD, IM.Login.IMPushShieldReq],
  [Cid.CID_LOGIN_RES_PUSH_SHIELD, IM.Login.IMPushShieldRsp],
  [Cid.CID_LOGIN_REQ_QUERY_PUSH_SHIELD, IM.Login.IMQueryPushShieldReq],
  [Cid.CID_LOGIN_RES_QUERY_PUSH_SHIELD, IM.Login.IMQueryPushShieldRsp],
  [Cid.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST, IM.Buddy.IMRecentContactSessionReq],
  [Cid.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_RESPONSE, IM.Buddy.IMRecentContactSessionRsp],
  [Cid.CID_BUDDY_LIST_STATUS_NOTIFY, IM.Buddy.IMUserStatNotify],
  [Cid.CID_BUDDY_LIST_USER_INFO_REQUEST, IM.Buddy.IMUsersInfoReq],
  [Cid.CID_BUDDY_LIST_USER_INFO_RESPONSE, IM.Buddy.IMUsersInfoRsp],
  [Cid.CID_BUDDY_LIST_REMOVE_SESSION_REQ, IM.Buddy.IMRemoveSessionReq],
  [Cid.CID_BUDDY_LIST_REMOVE_SESSION_RES, IM.Buddy.IMRemoveSessionRsp],
  [Cid.CID_BUDDY_LIST_ALL_USER_REQUEST, IM.Buddy.IMAllUserReq],
  [Cid.CID_BUDDY_LIST_ALL_USER_RESPONSE, IM.Buddy.IMAllUserRsp],
  [Cid.CID_BUDDY_LIST_USERS_STATUS_REQUEST, IM.Buddy.IMUsersStatReq],
  [Cid.CID_BUDDY_LIST_USERS_STATUS_RESPONSE, IM.Buddy.IMUsersStatRsp],
  [Cid.CID_BUDDY_LIST_CHANGE_AVATAR_REQUEST, IM.Buddy.IMChangeAvatarReq],
  [Cid.CID_BUDDY_LIST_CHANGE_AVATAR_RESPONSE, IM.Buddy.IMChangeAvatarRsp],
  [Cid.CID_BUDDY_LIST_PC_LOGIN_STATUS_NOTIFY, IM.Buddy.IMPCLoginStatusNotify],
  [Cid.CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY, IM.Buddy.IMRemoveSessionNotify],
  [Cid.CID_BUDDY_LIST_DEPARTMENT_REQUEST, IM.Buddy.IMDepartmentReq],
  [Cid.CID_BUDDY_LIST_DEPARTMENT_RESPONSE, IM.Buddy.IMDepartmentRsp],
  [Cid.CID_BUDDY_LIST_AVATAR_CHANGED_NOTIFY, IM.Buddy.IMAvatarChangedNotify],
  [Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST, IM.Buddy.IMChangeSignInfoReq],
  [Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_RESPONSE, IM.Buddy.IMChangeSignInfoRsp],
  [Cid.CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY, IM.Buddy.IMSignInfoChangedNotify],
  [Cid.CID_MSG_DATA, IM.Message.IMMsgData],
  [Cid.CID_MSG_DATA_ACK, IM.Message.IMMsgDataAck],
  [Cid.CID_MSG_READ_ACK, IM.Message.IMMsgDataReadAck],
  [Cid.CID_MSG_READ_NOTIFY, IM.Message.IMMsgDataReadNotify],
  [Cid.CID_MSG_TIME_REQUEST, IM.Message.IMClientTimeReq],
  [Cid.CID_MSG_TIME_RESPONSE, IM.Message.IMClientTimeRsp],
  [Cid.CID_MSG_UNREAD_CNT_REQUEST, IM.Message.IMUnreadMsgCntReq],
  [Cid.CID_MSG_UNREAD_CNT_RESPONSE, IM.Message.IMUnreadMsgCntRsp],
  [Cid.CID_MSG_LIST_REQUEST, IM.Message.IMGetMsgListReq],
  [Cid.CID_MSG_LIST_RESPONSE, IM.Message.IMGetMsgListRsp],
  [Cid.CID_MSG_GET_LATEST_MSG_ID_REQ, IM.Message.IMGetLatestMsgIdReq],
  [Cid.CID_MSG_GET_LATEST_MSG_ID_RSP, IM.Message.IMGetLatestMsgIdRsp],
  [Cid.CID_MSG_GET_BY_MSG_ID_REQ, IM.Message.IMGetMsgByIdReq],
  [Cid.CID_MSG_GET_BY_MSG_ID_RES, IM.Message.IMGetMsgByIdRsp],
  [Cid.CID_GROUP_NORMAL_LIST_REQUEST, IM.Group.IMNormalGroupListReq],
  [Cid.CID_GROUP_NORMAL_LIST_RESPONSE, IM.Group.IMNormalGroupListRsp],
  [Cid.CID_GROUP_INFO_REQUEST, IM.Group.IMGroupInfoListReq],
  [Cid.CID_GROUP_INFO_RESPONSE, IM.Group.IMGroupInfoListRsp],
  [Cid.CID_GROUP_CREATE_REQUEST, IM.Group.IMGroupCreateReq],
  [Cid.CID_GROUP_CREATE_RESPONSE, IM.Group.IMGroupCreateRsp],
  [Cid.CID_GROUP_CHANGE_MEMBER_REQUEST, IM.Group.IMGroupChangeMemberReq],
  [Cid.CID_GROUP_CHANGE_MEMBER_RESPONSE, IM.Group.IMGroupChangeMemberRsp],
  [Cid.CID_GROUP_SHIELD_GROUP_REQUEST, IM.Group.IMGroupShieldReq],
  [Cid.CID_GROUP_SHIELD_GROUP_RESPONSE, IM.Group.IMGroupShieldRsp],
  [Cid.CID_GROUP_CHANGE_MEMBER_NOTIFY, IM.Group.IMGroupChangeMemberNotify],
  [Cid.CID_FILE_LOGIN_REQ, IM.File.IMFileLoginReq],
  [Cid.CID_FILE_LOGIN_RES, IM.File.IMFileLoginRsp],
  [Cid.CID_FILE_STATE, IM.File.IMFileState],
  [Cid.CID_FILE_PULL_DATA_REQ, IM.File.IMFilePullDataReq],
  [Cid.CID_FILE_PULL_DATA_RSP, IM.File.IMFilePullDataRsp],
  [Cid.CID_FILE_REQUEST, IM.File.IMFileReq],
  [Cid.CID_FILE_RESPONSE, IM.File.IMFileRsp],
  [Cid.CID_FILE_NOTIFY, IM.File.IMFileNotify],
  [Cid.CID_FILE_HAS_OFFLINE_REQ, IM.File.IMFileHasOfflineReq],
  [Cid.CID_FILE_HAS_OFFLINE_RES, IM.File.IMFileHasOfflineRsp],
  [Cid.CID_FILE_ADD_OFFLINE_REQ, IM.File.IMFileAddOfflineReq],
  [Cid.CID_FILE_DEL_OFFLINE_REQ, IM.File.IMFileDelOfflineReq],
  [Cid.CID_SWITCH_P2P_CMD, IM.SwitchService.IMP2PCmdMsg],
  [Cid.CID_OTHER_HEARTBEAT, IM.Other.IMHeartBeat],
  [Cid.CID_OTHER_STOP_RECV_PACKET, IM.Server.IMStopReceivePacket],
  [Cid.CID_OTHER_VALIDATE_REQ, IM.Server.IMValidateReq],
  [Cid.CID_OTHER_VALIDATE_RSP, IM.Server.IMValidateRsp],
  [Cid.CID_OTHER_GET_DEVICE_TOKEN_REQ, IM.Server.IMGetDeviceTokenReq],
  [Cid.CID_OTHER_GET_DEVICE_TOKEN_RSP, IM.Server.IMGetDeviceTokenRsp],
  [Cid.CID_OTHER_ROLE_SET, IM.Server.IMRoleSet],
  [Cid.CID_OTHER_ONLINE_USER_INFO, IM.Server.IMOnlineUserInfo],
  [Cid.CID_OTHER_MSG_SERV_INFO, IM.Server.IMMsgServInfo],
  [Cid.CID_OTHER_USER_STATUS_UPDATE, IM.Server.IMUserStatusUpdate],
  [Cid.CID_OTHER_USER_CNT_UPDATE, IM.Server.IMUserCntUpdate],
  [Cid.CID_OTHER_SERVER_KICK_USER, IM.Server.IMServerKickUser],
  [Cid.CID_OTHER_LOGIN_STATUS_NOTIFY, IM.Server.IMServerPCLoginStatusNotify],
  [Cid.CID_OTHER_PUSH_TO_USER_REQ, IM.Server.IMPushToUserReq],
  [Cid.CID_OTHER_PUSH_TO_USER_RSP, IM.Server.IMPushToUserRsp],
  [Cid.CID_OTHER_GET_SHIELD_REQ, IM.Server.IMGroupGetShieldReq],
  [Cid.CID_OTHER_GET_SHIELD_RSP, IM.Server.IMGroupGetShieldRsp],
  [Cid.CID_OTHER_FILE_TRANSFER_REQ, IM.Server.IMFileTransferReq],
  [Cid.CID_OTHER_FILE_TRANSFER_RSP, IM.Server.IMFileTransferRsp],
  [Cid.CID_OTHER_FILE_SERVER_IP_REQ, IM.Server.IMFileServerIPReq],
  [Cid.CID_OTHER_FILE_SERVER_IP_RSP, IM.Server.IMFileServerIPRsp],
];

const SID_NAMES = new Map<number, SidName>((Object.keys(Sid) as SidName[]).map((n) => [Sid[n], n]));
const CID_NAMES = new Map<number, CidName>((Object.keys(Cid) as CidName[]).map((n) => [Cid[n], n]));
const TABLE = new Map<number, CommandInfo>();
for (const [commandId, bodyType] of BODY_TYPES) {
  const serviceId = commandId >>> 8;
  TABLE.set(commandId, Object.freeze({
    commandId,
    serviceId,
    name: CID_NAMES.get(commandId)!,
    serviceName: SID_NAMES.get(serviceId)!,
    bodyType,
    bodyTypeName: bodyTypeName(bodyType),
  }));
}

/** The table entry for a command id, or undefined for an id protocol.md §2 does not define. */
export function commandInfo(commandId: number): CommandInfo | undefined {
  return TABLE.get(commandId);
}

/** Every command, in id order (for tests and tools). */
export function allCommands(): CommandInfo[] {
  return [...TABLE.values()].sort((a, b) => a.commandId - b.commandId);
}

/** "CID_MSG_DATA" or "0x0999" for logs. */
export function cidName(commandId: number): string {
  return CID_NAMES.get(commandId) ?? `0x${commandId.toString(16).padStart(4, '0')}`;
}
