import * as net from 'node:net';
import { encodeFrame } from '../../src/pdu/Pdu';
import { Cid } from '../../src/pdu/commands';
import { decodeBody, encodeBody } from '../../src/pdu/codec';
import { MsgCipher, wirePassword } from '../../src/pdu/crypto';
import { IM } from '../../src/pdu/gen/im';
import { FrameReader } from '../../src/pdu/FrameReader';

/**
 * A scripted stand-in for msg_server, just enough of protocol.md §7–§8 for the bench client:
 * login (uid = 1000 + the digits of the name), message store ack with the client's seq, delivery
 * with seq 0, temporary group creation, heartbeat echo. It can be told to drop a message (no ack)
 * or to skip a delivery, and it writes frames split and coalesced to exercise the client's framing.
 */
export class FakeMsgServer {
  port = 0;
  readonly deliveryAcks: IM.Message.IMMsgDataAck[] = [];
  readonly plaintexts: string[] = [];
  heartbeats = 0;
  logins = 0;
  /** message n (counting every CID_MSG_DATA from 1) is not acked */
  readonly dropNth = new Set<number>();
  /** message n is acked but not delivered */
  readonly undeliveredNth = new Set<number>();
  private msgCount = 0;
  private nextMsgId = 0;
  private readonly byUid = new Map<number, net.Socket>();
  private readonly groups = new Map<number, number[]>();
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private readonly cipher = new MsgCipher();
  /** the unsent tail of a split frame per socket: written before anything else goes out */
  private readonly rest = new Map<net.Socket, Buffer>();

  constructor(private readonly password: string) {
    this.server = net.createServer((s) => this.accept(s));
  }

  async listen(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private send(s: net.Socket, frame: Buffer): void {
    const tail = this.rest.get(s);
    this.rest.delete(s);
    s.write(tail === undefined ? frame : Buffer.concat([tail, frame]));
  }

  /** A frame in two writes a moment apart (two reads on the other side), order kept. */
  private sendSplit(s: net.Socket, frame: Buffer): void {
    if (this.rest.has(s)) {
      this.send(s, frame);
      return;
    }
    s.write(frame.subarray(0, 7));
    this.rest.set(s, Buffer.from(frame.subarray(7)));
    setTimeout(() => {
      const tail = this.rest.get(s);
      this.rest.delete(s);
      if (tail !== undefined && !s.destroyed) s.write(tail);
    }, 2);
  }

  private accept(s: net.Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
    let uid = 0;
    const reader = new FrameReader((h, body) => {
      switch (h.commandId) {
        case Cid.CID_LOGIN_REQ_USERLOGIN: {
          const req = decodeBody(IM.Login.IMLoginReq, body);
          this.logins++;
          if (req.password !== wirePassword(this.password)) {
            this.send(s, encodeFrame(Cid.CID_LOGIN_RES_USERLOGIN, encodeBody(IM.Login.IMLoginRes, {
              serverTime: 1, resultCode: 6, resultString: '用户名/密码错误',
            }), { seq: h.seq }));
            s.end();
            return;
          }
          uid = 1000 + Number(req.userName.replace(/\D/g, ''));
          this.byUid.set(uid, s);
          const res = encodeFrame(Cid.CID_LOGIN_RES_USERLOGIN, encodeBody(IM.Login.IMLoginRes, {
            serverTime: 1, resultCode: 0, resultString: '成功', onlineStatus: 1,
            userInfo: {
              userId: uid, userGender: 1, userNickName: req.userName, avatarUrl: '', departmentId: 1, email: '',
              userRealName: req.userName, userTel: '', userDomain: '', status: 0,
            },
          }), { seq: h.seq });
          const notify = encodeFrame(Cid.CID_BUDDY_LIST_STATUS_NOTIFY, encodeBody(IM.Buddy.IMUserStatNotify, {
            userStat: { userId: uid, status: IM.BaseDefine.UserStatType.USER_STATUS_ONLINE },
          }));
          // reply and an unsolicited notify in one read, as the original often does
          this.send(s, Buffer.concat([res, notify]));
          return;
        }
        case Cid.CID_OTHER_HEARTBEAT:
          this.heartbeats++;
          this.send(s, encodeFrame(h.commandId, body, { seq: h.seq }));
          return;
        case Cid.CID_GROUP_CREATE_REQUEST: {
          const req = decodeBody(IM.Group.IMGroupCreateReq, body);
          const gid = 700 + this.groups.size;
          this.groups.set(gid, req.memberIdList);
          this.send(s, encodeFrame(Cid.CID_GROUP_CREATE_RESPONSE, encodeBody(IM.Group.IMGroupCreateRsp, {
            userId: uid, resultCode: 0, groupId: gid, groupName: req.groupName, userIdList: req.memberIdList,
          }), { seq: h.seq }));
          return;
        }
        case Cid.CID_MSG_DATA: {
          const m = decodeBody(IM.Message.IMMsgData, body);
          const n = ++this.msgCount;
          this.plaintexts.push(this.cipher.decryptText(m.msgData));
          if (this.dropNth.has(n)) return;
          const group = m.msgType === IM.BaseDefine.MsgType.MSG_TYPE_GROUP_TEXT;
          const msgId = ++this.nextMsgId;
          this.send(s, encodeFrame(Cid.CID_MSG_DATA_ACK, encodeBody(IM.Message.IMMsgDataAck, {
            userId: uid, sessionId: m.toSessionId, msgId,
            sessionType: group ? IM.BaseDefine.SessionType.SESSION_TYPE_GROUP : IM.BaseDefine.SessionType.SESSION_TYPE_SINGLE,
          }), { seq: h.seq }));
          if (this.undeliveredNth.has(n)) return;
          const copy = encodeFrame(Cid.CID_MSG_DATA, encodeBody(IM.Message.IMMsgData, { ...m, fromUserId: uid, msgId, createTime: 2 }));
          const recipients = group ? (this.groups.get(m.toSessionId) ?? []).filter((u) => u !== uid) : [m.toSessionId];
          for (const r of recipients) {
            const to = this.byUid.get(r);
            if (to === undefined) continue;
            this.sendSplit(to, copy);
          }
          return;
        }
        case Cid.CID_MSG_DATA_ACK:
          this.deliveryAcks.push(decodeBody(IM.Message.IMMsgDataAck, body));
          return;
        case Cid.CID_LOGIN_REQ_LOGINOUT:
          this.send(s, encodeFrame(Cid.CID_LOGIN_RES_LOGINOUT, encodeBody(IM.Login.IMLogoutRsp, { resultCode: 0 }), { seq: h.seq }));
          s.end();
          return;
        default:
          return;
      }
    });
    s.on('data', (d: Buffer) => reader.push(d));
  }
}
