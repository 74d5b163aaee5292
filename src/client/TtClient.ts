import * as net from 'node:net';
import { encodeFrame, Pdu } from '../pdu/Pdu';
import { FrameReader } from '../pdu/FrameReader';
import { Cid } from '../pdu/commands';
import { decodeBody, encodeBody } from '../pdu/codec';
import type { BodyType } from '../pdu/BodyType';
import { IM } from '../pdu/gen/im';
import { MsgCipher, wirePassword } from '../pdu/crypto';

export interface TtClientOptions {
  /** Largest frame accepted from the server before the client gives up (default 64 MiB). */
  maxPdu?: number;
  /** First seq of this client's requests (default 1; wraps at 0xffff, skipping 0). */
  firstSeq?: number;
  aesKey?: string;
}

export interface LoginOptions {
  clientType?: number;
  onlineStatus?: number;
  clientVersion?: string;
  timeoutMs?: number;
}

interface Waiter {
  match: (p: Pdu) => boolean;
  resolve: (p: Pdu) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A small scripted TeamTalk client (protocol.md §7): frames, seq numbers, login with the MD5 wire
 * password, AES-encrypted text, acks, and "wait for command X". Every PDU the server sends lands
 * in an inbox until a wait consumes it, so tests can assert on exactly what arrived. Used by the
 * tests and the load tool; it speaks to any msg_server, ours or the original.
 */
export class TtClient {
  readonly inbox: Pdu[] = [];
  userId = 0;
  closed = false;
  readonly closedPromise: Promise<void>;
  private readonly socket: net.Socket;
  private readonly frames: FrameReader;
  private seq: number;
  private readonly waiters: Waiter[] = [];
  private readonly maxPdu: number;
  readonly cipher: MsgCipher;

  private constructor(socket: net.Socket, opts: TtClientOptions) {
    this.socket = socket;
    this.maxPdu = opts.maxPdu ?? 64 * 1024 * 1024;
    this.seq = opts.firstSeq ?? 1;
    this.cipher = new MsgCipher(opts.aesKey);
    this.frames = new FrameReader((header, body) => this.onPdu({ header, body: Buffer.from(body) }), this.maxPdu);
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.closed = true;
        for (const w of this.waiters.splice(0)) { clearTimeout(w.timer); w.reject(new Error('connection closed')); }
        resolve();
      });
    });
    socket.on('error', () => { /* reported as close */ });
  }

  static connect(host: string, port: number, opts: TtClientOptions = {}): Promise<TtClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port });
      s.once('connect', () => { s.off('error', reject); resolve(new TtClient(s, opts)); });
      s.once('error', reject);
    });
  }

  /** The next request seq (16 bits, never 0, like Android). */
  nextSeq(): number {
    const s = this.seq;
    this.seq = this.seq >= 0xffff ? 1 : this.seq + 1;
    return s;
  }

  sendRaw(bytes: Uint8Array): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** Send a request; returns the seq used. */
  send<I extends object>(cid: number, type: BodyType<object, I>, body: I, seq = this.nextSeq()): number {
    this.sendRaw(encodeFrame(cid, encodeBody(type, body), { seq }));
    return seq;
  }

  /** Send and wait for the reply command carrying the same seq. */
  async request<I extends object, R extends object>(
    cid: number, type: BodyType<object, I>, body: I, replyCid: number, replyType: BodyType<R, never>, timeoutMs = 5000,
  ): Promise<{ pdu: Pdu; msg: R }> {
    const seq = this.send(cid, type, body);
    const pdu = await this.waitFor(replyCid, (p) => p.header.seq === seq, timeoutMs);
    return { pdu, msg: decodeBody(replyType, pdu) };
  }

  /** The first PDU (already received or still to come) with this command that matches; consumed. */
  waitFor(cid: number, pred: (p: Pdu) => boolean = () => true, timeoutMs = 5000): Promise<Pdu> {
    const match = (p: Pdu): boolean => p.header.commandId === cid && pred(p);
    const i = this.inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]!);
    if (this.closed) return Promise.reject(new Error(`connection closed while waiting for 0x${cid.toString(16)}`));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        match, resolve, reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          reject(new Error(`timeout after ${timeoutMs} ms waiting for command 0x${cid.toString(16).padStart(4, '0')}`));
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  /** Wait for a command and decode its body. */
  async waitMsg<R extends object>(cid: number, type: BodyType<R, never>, pred?: (m: R, p: Pdu) => boolean, timeoutMs = 5000): Promise<{ pdu: Pdu; msg: R }> {
    const safe = pred ? (p: Pdu): boolean => { try { return pred(decodeBody(type, p), p); } catch { return false; } } : undefined;
    const pdu = await this.waitFor(cid, safe, timeoutMs);
    return { pdu, msg: decodeBody(type, pdu) };
  }

  /** Resolves true if a command with this id arrives within ms (and leaves it in the inbox). */
  async receives(cid: number, ms: number): Promise<boolean> {
    try {
      const p = await this.waitFor(cid, () => true, ms);
      this.inbox.unshift(p);
      return true;
    } catch {
      return false;
    }
  }

  /** protocol.md §7.1 step 3: IMLoginReq with the MD5 hex of the plain password. */
  async login(name: string, plainPassword: string, opts: LoginOptions = {}): Promise<IM.Login.IMLoginRes> {
    const { msg } = await this.request(Cid.CID_LOGIN_REQ_USERLOGIN, IM.Login.IMLoginReq, {
      userName: name, password: wirePassword(plainPassword),
      onlineStatus: opts.onlineStatus ?? IM.BaseDefine.UserStatType.USER_STATUS_ONLINE,
      clientType: opts.clientType ?? IM.BaseDefine.ClientType.CLIENT_TYPE_WINDOWS,
      clientVersion: opts.clientVersion ?? 'tt-ts-client/1.0',
    }, Cid.CID_LOGIN_RES_USERLOGIN, IM.Login.IMLoginRes, opts.timeoutMs ?? 5000);
    if (msg.resultCode === 0 && msg.userInfo) this.userId = msg.userInfo.userId;
    return msg;
  }

  /** Send one text message (encrypted as the shipped clients do); resolves with the server's ack. */
  async sendText(to: number, text: string, opts: { group?: boolean; timeoutMs?: number } = {}): Promise<IM.Message.IMMsgDataAck> {
    const seq = this.sendTextNoWait(to, text, opts.group ?? false);
    const pdu = await this.waitFor(Cid.CID_MSG_DATA_ACK, (p) => p.header.seq === seq, opts.timeoutMs ?? 5000);
    return decodeBody(IM.Message.IMMsgDataAck, pdu);
  }

  sendTextNoWait(to: number, text: string, group = false): number {
    return this.send(Cid.CID_MSG_DATA, IM.Message.IMMsgData, {
      fromUserId: this.userId, toSessionId: to, msgId: 0, createTime: Math.floor(Date.now() / 1000),
      msgType: group ? IM.BaseDefine.MsgType.MSG_TYPE_GROUP_TEXT : IM.BaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT,
      msgData: this.cipher.encrypt(text),
    });
  }

  /** The next message delivered to this client, decrypted. */
  async receiveText(pred?: (m: IM.Message.IMMsgData) => boolean, timeoutMs = 5000): Promise<{ msg: IM.Message.IMMsgData; text: string; pdu: Pdu }> {
    const { msg, pdu } = await this.waitMsg(Cid.CID_MSG_DATA, IM.Message.IMMsgData, pred ? (m) => pred(m) : undefined, timeoutMs);
    return { msg, pdu, text: this.cipher.decryptText(msg.msgData) };
  }

  /** Delivery ack for a received message (the shipped clients often skip it). */
  ackDelivery(msg: IM.Message.IMMsgData): void {
    this.send(Cid.CID_MSG_DATA_ACK, IM.Message.IMMsgDataAck, {
      userId: this.userId, sessionId: msg.fromUserId, msgId: msg.msgId,
      sessionType: msg.msgType === IM.BaseDefine.MsgType.MSG_TYPE_GROUP_TEXT || msg.msgType === IM.BaseDefine.MsgType.MSG_TYPE_GROUP_AUDIO
        ? IM.BaseDefine.SessionType.SESSION_TYPE_GROUP : IM.BaseDefine.SessionType.SESSION_TYPE_SINGLE,
    });
  }

  heartbeat(): number {
    return this.send(Cid.CID_OTHER_HEARTBEAT, IM.Other.IMHeartBeat, {});
  }

  close(): Promise<void> {
    if (!this.closed) this.socket.destroy();
    return this.closedPromise;
  }

  /** Half-close politely and wait for the server to finish. */
  end(): Promise<void> {
    if (!this.closed) this.socket.end();
    return this.closedPromise;
  }

  private onData(d: Buffer): void {
    try {
      this.frames.push(d);
    } catch {
      // A server sending bad framing: nothing after it can be trusted.
      this.socket.destroy();
    }
  }

  private onPdu(pdu: Pdu): void {
    const i = this.waiters.findIndex((w) => w.match(pdu));
    if (i >= 0) {
      const w = this.waiters.splice(i, 1)[0]!;
      clearTimeout(w.timer);
      w.resolve(pdu);
    } else {
      this.inbox.push(pdu);
    }
  }
}
