import { performance } from 'node:perf_hooks';
import { encodeFrame } from '../../src/pdu/Pdu';
import type { PduHeader } from '../../src/pdu/header';
import { Cid } from '../../src/pdu/commands';
import { decodeBody, encodeBody } from '../../src/pdu/codec';
import { MsgCipher, wirePassword } from '../../src/pdu/crypto';
import { IM } from '../../src/pdu/gen/im';
import { FrameReader } from '../../src/pdu/FrameReader';
import type { Histogram } from './Histogram';
import { IntSet } from './IntSet';
import type { LookupHandle, MsgServerLocator } from './MsgServerLocator';
import type { MsgServerAddress } from './Target';
import type { CloseReason, ConnSink, Transport } from '../../src/net/Transport';
import { errnoName } from '../../src/net/errno';
import type { Counters, HistName, TargetSpec } from './types';

/** Wall-clock ms with sub-ms resolution: comparable between the bench's processes on one machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** What every connection of one worker shares: settings, counters and histograms. */
export interface ConnContext {
  target: TargetSpec;
  /** the worker's transport (native epoll addon unless TT_TRANSPORT=net): all its sockets on one loop */
  transport: Transport;
  locator: MsgServerLocator;
  password: string;
  clientType: number;
  clientVersion: string;
  loginTimeoutMs: number;
  heartbeatMs: number;
  textBytes: number;
  readAck: boolean;
  cipher: MsgCipher;
  counters: Counters;
  hist: Record<HistName, Histogram>;
  /** the login finished (ok or not): the worker frees a login slot */
  loginDone(conn: BenchConn, ok: boolean, reason: string): void;
  /** a group this connection asked for exists (gid) or could not be made (0) */
  groupReady?(conn: BenchConn, gid: number): void;
  error(line: string): void;
}

export type ConnState = 'new' | 'lookup' | 'connecting' | 'login' | 'ready' | 'closed';

interface Pending {
  n: number;
  sentAt: number;
}

/** The text a bench message carries, so the receiver can tell which one it is and when it left. */
export const PAYLOAD_TAG = 'ttb1';

export function buildPayload(n: number, sentAt: number, textBytes: number): string {
  const head = `${PAYLOAD_TAG} ${n} ${sentAt.toFixed(3)} `;
  return textBytes > head.length ? head + 'x'.repeat(textBytes - head.length) : head;
}

export function parsePayload(text: string): { n: number; sentAt: number } | undefined {
  const parts = text.split(' ', 3);
  if (parts[0] !== PAYLOAD_TAG || parts.length < 3) return undefined;
  const n = Number(parts[1]);
  const sentAt = Number(parts[2]);
  return Number.isInteger(n) && n > 0 && Number.isFinite(sentAt) ? { n, sentAt } : undefined;
}

/**
 * One bench client connection (edge.md §5.5): lookup, connect, login, then send messages at the
 * pace the worker asks for, acknowledge every delivery (CID_MSG_DATA_ACK, the pitfall the C++ test
 * client got wrong), heartbeat when quiet, and keep the books: which of its own messages were
 * acked, which messages from whom arrived.
 */
export class BenchConn implements ConnSink {
  state: ConnState = 'new';
  uid = 0;
  server: MsgServerAddress | undefined;
  /** session this connection sends to (peer uid or group id), 0 until known */
  sessionId = 0;
  group = false;
  /** message numbers of this sender that the server acked */
  readonly acked = new IntSet();
  /** per sender uid: the message numbers that arrived here */
  readonly received = new Map<number, IntSet>();
  /** per sender uid: the session the messages came in (peer or group id) */
  readonly receivedSession = new Map<number, number>();
  sentCount = 0;
  nextSendAt = 0;
  /** transport id of the msg_server connection, 0 before connect */
  private id = 0;
  private lookupHandle: LookupHandle | undefined;
  private onGone: (() => void) | undefined;
  private readonly reader: FrameReader;
  private seq: number;
  private loginSeq = -1;
  private groupSeq = -1;
  private readonly pending = new Map<number, Pending>();
  private startedAt = 0;
  private lastSentAt = 0;
  private closing = false;

  constructor(
    readonly slot: number,
    readonly name: string,
    private readonly ctx: ConnContext,
    private readonly localAddress?: string,
  ) {
    this.reader = new FrameReader((h, body) => this.onFrame(h, body));
    this.seq = 1 + Math.floor(Math.random() * 0xfffe);
  }

  get unacked(): number {
    return this.pending.size;
  }

  /** Lookup (when the target is login_server), connect, log in. The result reaches ctx.loginDone. */
  start(): void {
    this.startedAt = epochMs();
    const t = this.ctx.target;
    if (t.kind === 'direct') {
      this.connect({ host: t.host, port: t.port });
      return;
    }
    this.state = 'lookup';
    this.lookupHandle = this.ctx.locator.lookup(t.url, this.localAddress, (err, addr, fresh) => {
      this.lookupHandle = undefined;
      if (err !== undefined) {
        this.ctx.counters.lookupFail++;
        this.failLogin(`lookup: ${err.message}`);
        return;
      }
      if (fresh) {
        this.ctx.counters.lookups++;
        this.ctx.hist.lookup.record((epochMs() - this.startedAt) * 1000);
      }
      if (this.state === 'lookup') this.connect(addr!);
    });
  }

  private connect(addr: MsgServerAddress): void {
    this.server = addr;
    this.state = 'connecting';
    this.connectAt = epochMs();
    // Source addresses only make sense towards loopback (edge.md §5.5: ephemeral ports run out
    // near 28 000 connections per source address).
    const local = this.localAddress !== undefined && addr.host.startsWith('127.') ? this.localAddress : undefined;
    this.id = this.ctx.transport.connect(addr.host, addr.port, this, local !== undefined ? { localAddress: local } : undefined);
  }

  private connectAt = 0;

  /** ConnSink: the msg_server connection is up (or failed: onClose follows). */
  onConnect(errno: number): void {
    if (errno !== 0 || this.state !== 'connecting') return;
    this.ctx.counters.connected++;
    this.state = 'login';
    this.startedAt = this.connectAt;
    this.loginSeq = this.nextSeq();
    this.write(Cid.CID_LOGIN_REQ_USERLOGIN, encodeBody(IM.Login.IMLoginReq, {
      userName: this.name,
      password: wirePassword(this.ctx.password),
      onlineStatus: IM.BaseDefine.UserStatType.USER_STATUS_ONLINE,
      clientType: this.ctx.clientType,
      clientVersion: this.ctx.clientVersion,
    }), this.loginSeq);
  }

  /** ConnSink: bytes valid only during the call; FrameReader hands complete frames over synchronously. */
  onData(buf: Buffer, offset: number, length: number): void {
    try {
      this.reader.push(buf, offset, offset + length);
    } catch (e) {
      this.ctx.error(`${this.name}: bad frame from server: ${(e as Error).message}`);
      this.ctx.transport.close(this.id);
    }
  }

  /** ConnSink: exactly once; 'local' when we closed it ourselves. */
  onClose(reason: CloseReason, errno: number): void {
    const gone = this.onGone;
    this.onGone = undefined;
    const err = errno !== 0 ? errnoName(errno) : reason === 'peer' || reason === 'local' ? '' : reason;
    this.onSocketClosed(err);
    gone?.();
  }

  private onSocketClosed(err: string): void {
    const was = this.state;
    this.state = 'closed';
    if (was === 'connecting' || was === 'login') this.failLogin(err !== '' ? err : 'closed by server during login', true);
    else if (was === 'ready' && !this.closing) {
      this.ctx.counters.dropped++;
      this.ctx.error(`${this.name}: connection dropped${err !== '' ? ` (${err})` : ''}`);
    }
  }

  private failLogin(reason: string, alreadyClosed = false): void {
    if (this.state === 'ready') return;
    const wasOpen = !alreadyClosed && this.state !== 'closed';
    this.state = 'closed';
    this.ctx.counters.loginFail++;
    this.lookupHandle?.cancel();
    this.lookupHandle = undefined;
    if (wasOpen && this.id !== 0) this.ctx.transport.close(this.id);
    this.ctx.loginDone(this, false, reason);
  }

  /** 16-bit per-connection seq, never 0 (server-initiated PDUs carry 0): protocol.md §1.3. */
  private nextSeq(): number {
    const s = this.seq;
    this.seq = this.seq >= 0xffff ? 1 : this.seq + 1;
    return s;
  }

  private write(cid: number, body: Uint8Array, seq: number): void {
    if (this.id === 0 || this.state === 'closed') return;
    this.ctx.transport.write(this.id, encodeFrame(cid, body, { seq }));
    this.lastSentAt = epochMs();
  }

  private onFrame(h: PduHeader, body: Buffer): void {
    switch (h.commandId) {
      case Cid.CID_LOGIN_RES_USERLOGIN:
        this.onLoginRes(h, body);
        break;
      case Cid.CID_MSG_DATA_ACK:
        this.onDataAck(h);
        break;
      case Cid.CID_MSG_DATA:
        this.onMsgData(body);
        break;
      case Cid.CID_GROUP_CREATE_RESPONSE:
        this.onGroupCreated(h, body);
        break;
      case Cid.CID_LOGIN_KICK_USER:
        // Means two bench connections share one account (edge.md §5.5 step 7).
        this.ctx.counters.kicked++;
        break;
      default:
        // status notifies, heartbeat echoes, read notifies: nothing to do (§5.5 step 7)
        break;
    }
  }

  private onLoginRes(h: PduHeader, body: Buffer): void {
    if (this.state !== 'login' || h.seq !== this.loginSeq) return;
    const res = decodeBody(IM.Login.IMLoginRes, body, h.commandId);
    if (res.resultCode !== 0 || !res.userInfo) {
      this.failLogin(`login result ${res.resultCode}${res.resultString ? ` ${res.resultString}` : ''}`);
      return;
    }
    this.uid = res.userInfo.userId;
    this.state = 'ready';
    this.ctx.counters.loginOk++;
    this.ctx.hist.login.record((epochMs() - this.startedAt) * 1000);
    this.ctx.loginDone(this, true, 'ok');
  }

  /** The store confirmation of one of our messages, matched by seq (§5.5 step 5). */
  private onDataAck(h: PduHeader): void {
    const p = this.pending.get(h.seq);
    if (p === undefined) {
      this.ctx.counters.strayAcks++;
      return;
    }
    this.pending.delete(h.seq);
    if (this.acked.add(p.n)) {
      this.ctx.counters.acked++;
      this.ctx.hist.ack.record((epochMs() - p.sentAt) * 1000);
    }
  }

  private onMsgData(body: Buffer): void {
    const m = decodeBody(IM.Message.IMMsgData, body, Cid.CID_MSG_DATA);
    const isGroup = m.msgType === IM.BaseDefine.MsgType.MSG_TYPE_GROUP_TEXT || m.msgType === IM.BaseDefine.MsgType.MSG_TYPE_GROUP_AUDIO;
    const session = isGroup ? m.toSessionId : m.fromUserId;
    const sessionType = isGroup ? IM.BaseDefine.SessionType.SESSION_TYPE_GROUP : IM.BaseDefine.SessionType.SESSION_TYPE_SINGLE;
    // Every delivery is acknowledged, or msg_server keeps it on its 15 s watch list (§5.5 step 6).
    this.write(Cid.CID_MSG_DATA_ACK, encodeBody(IM.Message.IMMsgDataAck, {
      userId: this.uid, sessionId: session, msgId: m.msgId, sessionType,
    }), 0);
    if (this.ctx.readAck) {
      this.write(Cid.CID_MSG_READ_ACK, encodeBody(IM.Message.IMMsgDataReadAck, {
        userId: this.uid, sessionId: session, msgId: m.msgId, sessionType,
      }), 0);
    }
    let payload: ReturnType<typeof parsePayload>;
    try {
      payload = parsePayload(this.ctx.cipher.decryptText(m.msgData));
    } catch {
      payload = undefined;
    }
    if (payload === undefined) return; // not a bench message (someone else talking to us)
    let set = this.received.get(m.fromUserId);
    if (set === undefined) {
      set = new IntSet();
      this.received.set(m.fromUserId, set);
      this.receivedSession.set(m.fromUserId, session);
    }
    if (!set.add(payload.n)) {
      this.ctx.counters.duplicates++;
      return;
    }
    this.ctx.counters.delivered++;
    this.ctx.hist.deliver.record(Math.max(0, epochMs() - payload.sentAt) * 1000);
  }

  /** Ask for a temporary group (clients may not create normal ones: servers.md §4) with us in it. */
  createGroup(name: string, memberUids: number[]): void {
    if (this.state !== 'ready') return;
    this.groupSeq = this.nextSeq();
    this.write(Cid.CID_GROUP_CREATE_REQUEST, encodeBody(IM.Group.IMGroupCreateReq, {
      userId: this.uid,
      groupType: IM.BaseDefine.GroupType.GROUP_TYPE_TMP,
      groupName: name,
      groupAvatar: '',
      memberIdList: memberUids,
    }), this.groupSeq);
  }

  private onGroupCreated(h: PduHeader, body: Buffer): void {
    if (h.seq !== this.groupSeq) return;
    this.groupSeq = -1;
    const r = decodeBody(IM.Group.IMGroupCreateRsp, body, h.commandId);
    const gid = r.resultCode === 0 && r.groupId ? r.groupId : 0;
    if (gid !== 0) {
      this.ctx.counters.groupsCreated++;
      this.sessionId = gid;
      this.group = true;
    } else {
      this.ctx.counters.groupCreateFail++;
    }
    this.ctx.groupReady?.(this, gid);
  }

  /** Send message number sentCount+1 to sessionId (AES-encrypted like the shipped clients, §4.1). */
  sendMessage(): void {
    if (this.state !== 'ready' || this.sessionId === 0) return;
    const n = ++this.sentCount;
    const sentAt = epochMs();
    const seq = this.nextSeq();
    // A still-pending message on this seq after 65535 sends is long lost; its slot is reused.
    this.pending.set(seq, { n, sentAt });
    this.write(Cid.CID_MSG_DATA, encodeBody(IM.Message.IMMsgData, {
      fromUserId: this.uid,
      toSessionId: this.sessionId,
      msgId: 0,
      createTime: 0,
      msgType: this.group ? IM.BaseDefine.MsgType.MSG_TYPE_GROUP_TEXT : IM.BaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT,
      msgData: this.ctx.cipher.encrypt(buildPayload(n, sentAt, this.ctx.textBytes)),
    }), seq);
    this.ctx.counters.sent++;
  }

  /** 1-second housekeeping: login deadline and heartbeats (protocol.md §6: 30 s when quiet). */
  onTick(now: number): void {
    if ((this.state === 'lookup' || this.state === 'connecting' || this.state === 'login') &&
        now - this.startedAt > this.ctx.loginTimeoutMs) {
      this.failLogin(`no login reply within ${this.ctx.loginTimeoutMs} ms (state ${this.state})`);
      return;
    }
    if (this.state === 'ready' && now - this.lastSentAt >= this.ctx.heartbeatMs) {
      this.write(Cid.CID_OTHER_HEARTBEAT, encodeBody(IM.Other.IMHeartBeat, {}), 0);
    }
  }

  /**
   * Log out politely or just close. Resolves when the connection is gone: the transport still
   * flushes the logout before its FIN (a lingering close), so the server sees it.
   */
  close(logout: boolean): Promise<void> {
    this.closing = true;
    this.lookupHandle?.cancel();
    this.lookupHandle = undefined;
    if (this.id === 0 || this.state === 'closed') {
      this.state = 'closed';
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.onGone = resolve;
      if (logout && this.state === 'ready') {
        this.write(Cid.CID_LOGIN_REQ_LOGINOUT, encodeBody(IM.Login.IMLogoutReq, {}), this.nextSeq());
      }
      this.ctx.transport.close(this.id);
    });
  }
}
