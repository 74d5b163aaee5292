import { Cid } from '../../../src/pdu/commands';
import { IM } from '../../../src/pdu/gen/im';
import type { LinkClient } from './LinkClient';

/** Typed shortcuts for the requests msg_server sends, so behaviour tests read as stories. */
export function sendMsg(link: LinkClient, from: number, to: number, text: string, type = 1, attach?: Buffer): Promise<IM.Message.IMMsgData> {
  return link.call(Cid.CID_MSG_DATA, IM.Message.IMMsgData, {
    fromUserId: from, toSessionId: to, msgId: 0, createTime: Math.floor(Date.now() / 1000), msgType: type, msgData: Buffer.from(text),
    ...(attach ? { attachData: attach } : {}),
  }, Cid.CID_MSG_DATA, IM.Message.IMMsgData);
}

export function msgList(link: LinkClient, user: number, sessionType: number, sessionId: number, begin: number, cnt: number): Promise<IM.Message.IMGetMsgListRsp> {
  return link.call(Cid.CID_MSG_LIST_REQUEST, IM.Message.IMGetMsgListReq, { userId: user, sessionType, sessionId, msgIdBegin: begin, msgCnt: cnt },
    Cid.CID_MSG_LIST_RESPONSE, IM.Message.IMGetMsgListRsp);
}

export function unreadCount(link: LinkClient, user: number): Promise<IM.Message.IMUnreadMsgCntRsp> {
  return link.call(Cid.CID_MSG_UNREAD_CNT_REQUEST, IM.Message.IMUnreadMsgCntReq, { userId: user }, Cid.CID_MSG_UNREAD_CNT_RESPONSE, IM.Message.IMUnreadMsgCntRsp);
}

export function recentSessions(link: LinkClient, user: number, since = 0): Promise<IM.Buddy.IMRecentContactSessionRsp> {
  return link.call(Cid.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST, IM.Buddy.IMRecentContactSessionReq, { userId: user, latestUpdateTime: since },
    Cid.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_RESPONSE, IM.Buddy.IMRecentContactSessionRsp);
}

export function createGroup(link: LinkClient, creator: number, type: number, name: string, members: number[]): Promise<IM.Group.IMGroupCreateRsp> {
  return link.call(Cid.CID_GROUP_CREATE_REQUEST, IM.Group.IMGroupCreateReq, { userId: creator, groupType: type, groupName: name, groupAvatar: '', memberIdList: members },
    Cid.CID_GROUP_CREATE_RESPONSE, IM.Group.IMGroupCreateRsp);
}

export function changeMembers(link: LinkClient, user: number, group: number, change: number, members: number[]): Promise<IM.Group.IMGroupChangeMemberRsp> {
  return link.call(Cid.CID_GROUP_CHANGE_MEMBER_REQUEST, IM.Group.IMGroupChangeMemberReq, { userId: user, changeType: change, groupId: group, memberIdList: members },
    Cid.CID_GROUP_CHANGE_MEMBER_RESPONSE, IM.Group.IMGroupChangeMemberRsp);
}

export function groupInfo(link: LinkClient, user: number, groups: Array<[number, number]>): Promise<IM.Group.IMGroupInfoListRsp> {
  return link.call(Cid.CID_GROUP_INFO_REQUEST, IM.Group.IMGroupInfoListReq, { userId: user, groupVersionList: groups.map(([groupId, version]) => ({ groupId, version })) },
    Cid.CID_GROUP_INFO_RESPONSE, IM.Group.IMGroupInfoListRsp);
}
