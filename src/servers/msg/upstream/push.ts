import type { Pdu } from '../../../pdu/Pdu';
import { encodeFrame } from '../../../pdu/Pdu';
import { Cid } from '../../../pdu/commands';
import { decodeBody, encodeBody } from '../../../pdu/codec';
import { IM } from '../../../pdu/gen/im';
import { PduError } from '../../../pdu/PduError';
import type { PeerConn } from '../../../links/PeerConn';
import type { MsgServer } from '../MsgServer';
import { bodyContext, Context, CTX_PUSH } from '../Context';
import { isGroupMsg } from '../client/message';

const PUSH_NORMAL = 1;
const PUSH_SILENT = 2;
const GENERIC_TEXT = '您收到了一条消息';
const PIC_PREFIX = '&$#@~^@[{:';
const PIC_SUFFIX = ':}]&$~@#@';
const FLASH_MAX_BYTES = 37;
const MT = IM.BaseDefine.MsgType;

/**
 * Step 1 of the push flow (servers.md §4.14): which receivers have device tokens. Skipped, with a
 * debug line, while no push_server link is open: the answer could not be used.
 */
export function requestDeviceTokens(s: MsgServer, link: PeerConn, userIds: number[], msgBody: Uint8Array): void {
  if (userIds.length === 0) return;
  if (!s.links.push.hasOpen()) {
    s.log.debug({ users: userIds.length }, 'no push_server link; push skipped');
    return;
  }
  const req = encodeBody(IM.Server.IMGetDeviceTokenReq, { userId: userIds, attachData: msgBody });
  const frame = encodeFrame(Cid.CID_OTHER_GET_DEVICE_TOKEN_REQ, req);
  if (!(link.open && link.sendRaw(frame))) s.db.send('general', frame);
}

/** CID_OTHER_GET_SHIELD_RSP: members who did not mute the group (the sender excluded) get tokens looked up. */
export function onShieldRsp(s: MsgServer, link: PeerConn, pdu: Pdu): void {
  const rsp = decodeBody(IM.Server.IMGroupGetShieldRsp, pdu);
  if (!rsp.attachData || rsp.attachData.length === 0) return;
  const msg = decodeBody(IM.Message.IMMsgData, rsp.attachData);
  const users = rsp.shieldStatusList.filter((x) => x.shieldStatus === 0 && x.userId !== msg.fromUserId).map((x) => x.userId);
  requestDeviceTokens(s, link, users, rsp.attachData);
}

/** Step 2: the alert text. undefined = the text could not be decrypted: no push at all (as the original). */
export function buildFlash(s: MsgServer, msg: IM.Message.IMMsgData, cipher: { decryptText(c: Uint8Array): string }): string | undefined {
  let text = '';
  const isText = msg.msgType === MT.MSG_TYPE_SINGLE_TEXT || msg.msgType === MT.MSG_TYPE_GROUP_TEXT;
  if (isText) {
    try {
      text = cipher.decryptText(msg.msgData);
    } catch (e) {
      if (e instanceof PduError) return undefined;
      throw e;
    }
    const p = text.indexOf(PIC_PREFIX);
    if (p >= 0 && text.indexOf(PIC_SUFFIX, p + PIC_PREFIX.length) >= 0) return GENERIC_TEXT;
  }
  const sender = s.users.get(msg.fromUserId);
  if (!sender) return GENERIC_TEXT;
  let flash: string;
  if (msg.msgType === MT.MSG_TYPE_GROUP_AUDIO) flash = `${sender.nick}在群聊中发送了一条语音消息`;
  else if (msg.msgType === MT.MSG_TYPE_SINGLE_AUDIO) flash = `${sender.nick}给您发送了一条语音消息`;
  else flash = `${sender.nick}:${text}`;
  return cutUtf8(flash, FLASH_MAX_BYTES);
}

/**
 * Cut to at most `max` UTF-8 bytes and append "...". Original bug: it cut by bytes and could split
 * a character; here the cut backs up to a character boundary.
 */
export function cutUtf8(text: string, max: number): string {
  const b = Buffer.from(text, 'utf8');
  if (b.length <= max) return text;
  let end = max;
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  return `${b.subarray(0, end).toString('utf8')}...`;
}

/** The `data` JSON exactly as the original's jsonxx wrote it (servers.md §4.14). */
export function pushData(msg: IM.Message.IMMsgData): string {
  return isGroupMsg(msg.msgType)
    ? `{\n\t"from_id": ${msg.fromUserId},\n\t"group_id": ${msg.toSessionId},\n\t"msg_type": ${msg.msgType} \n} \n`
    : `{\n\t"from_id": ${msg.fromUserId},\n\t"msg_type": ${msg.msgType} \n} \n`;
}

/**
 * CID_OTHER_GET_DEVICE_TOKEN_RSP, step 3: receivers here are pushed at once (silent when a PC
 * client of theirs is online); for the others route_server is asked first (type-4 context).
 */
export function onDeviceTokens(s: MsgServer, _link: PeerConn, pdu: Pdu): void {
  const rsp = decodeBody(IM.Server.IMGetDeviceTokenRsp, pdu);
  if (rsp.userTokenInfo.length === 0 || !rsp.attachData || rsp.attachData.length === 0) return;
  if (!s.links.push.hasOpen()) return;
  const msg = decodeBody(IM.Message.IMMsgData, rsp.attachData);
  const flash = buildFlash(s, msg, s.cipher);
  if (flash === undefined) {
    s.log.debug({ user: msg.fromUserId }, 'message text does not decrypt; no push');
    return;
  }
  const data = pushData(msg);
  const local: IM.BaseDefine.IUserTokenInfo[] = [];
  for (const t of rsp.userTokenInfo) {
    if (t.userId === msg.fromUserId) continue;
    const u = s.users.get(t.userId);
    const token: IM.BaseDefine.IUserTokenInfo = { userId: t.userId, userType: t.userType, token: t.token, pushCount: t.pushCount, pushType: PUSH_NORMAL };
    if (u) {
      token.pushType = u.pcLoginStatus === 1 || u.hasPc() ? PUSH_SILENT : PUSH_NORMAL;
      local.push(token);
      continue;
    }
    const one = encodeBody(IM.Server.IMPushToUserReq, { flash, data, userTokenList: [token] });
    const ask = encodeBody(IM.Buddy.IMUsersStatReq, { userId: 0, userIdList: [t.userId], attachData: bodyContext(CTX_PUSH, 0, one) });
    // Original: without a route link the push was lost; a normal push is the safe default.
    if (!s.route.sendMaster(encodeFrame(Cid.CID_BUDDY_LIST_USERS_STATUS_REQUEST, ask))) local.push(token);
  }
  if (local.length > 0) sendPush(s, { flash, data, userTokenList: local });
}

/** route_server's answer to a type-4 status question: silent push if the receiver has a PC client online. */
export function onPushStatus(s: MsgServer, rsp: IM.Buddy.IMUsersStatRsp, ctx: Context): void {
  if (!ctx.body) return;
  const req = decodeBody(IM.Server.IMPushToUserReq, ctx.body);
  const online = rsp.userStatList[0]?.status === IM.BaseDefine.UserStatType.USER_STATUS_ONLINE;
  for (const t of req.userTokenList) t.pushType = online ? PUSH_SILENT : PUSH_NORMAL;
  sendPush(s, req);
}

function sendPush(s: MsgServer, req: IM.Server.IIMPushToUserReq): void {
  if (!s.links.push.sendMaster(encodeFrame(Cid.CID_OTHER_PUSH_TO_USER_REQ, encodeBody(IM.Server.IMPushToUserReq, req)))) {
    s.log.debug('no push_server link; push dropped');
  }
}
