import * as os from 'node:os';
import type { Transport } from '../../net/Transport';
import { Ticker } from '../../net/Ticker';
import type { Logger } from '../../util/log';
import { nowMs } from '../../util/clock';
import { encodeFrame } from '../../pdu/Pdu';
import type { PduHeader } from '../../pdu/header';
import { Cid } from '../../pdu/commands';
import { encodeBody } from '../../pdu/codec';
import type { BodyType } from '../../pdu/BodyType';
import { IM } from '../../pdu/gen/im';
import type { DbProxyPool } from '../../links/DbProxyPool';
import type { PeerConn } from '../../links/PeerConn';
import type { RouteLink } from '../../links/RouteLink';
import type { LoginLink } from '../../links/LoginLink';
import type { PushLink } from '../../links/PushLink';
import type { FileLink } from '../../links/FileLink';
import type { MsgConfig } from './MsgConfig';
import { MsgConn } from './MsgConn';
import { UserManager } from './UserManager';
import type { User } from './User';
import { MsgStats } from './MsgStats';
import { parseContext, Context } from './Context';
import { isPc } from './ClientClass';
import type { MsgCipher } from '../../pdu/crypto';
import type { ConnLimit } from './ConnLimit';
import { DbPending, PendingRequest } from './DbPending';

const USER_CNT_INC = 1;
const USER_CNT_DEC = 2;
const STATUS_ONLINE = 1;
const STATUS_OFFLINE = 2;
const STATS_EVERY_MS = 5 * 60_000;

/** The links msg_server keeps (servers.md §1.10). Set by index.ts before any connection arrives. */
export interface MsgLinks {
  db: DbProxyPool;
  route: RouteLink;
  login: LoginLink;
  push: PushLink;
  file: FileLink;
}

/**
 * The state of one msg_server: its client connections, the users logged in here, its links, and
 * the fan-out and presence helpers every handler shares.
 */
export class MsgServer {
  readonly users = new UserManager();
  /** Every client connection, logged in or not, by handle. */
  readonly conns = new Map<number, MsgConn>();
  readonly stats = new MsgStats();
  /**
   * Logged-in connections (terminals), densely packed, for broadcasts: every login makes route_server
   * send a status notify to every PC terminal (O(N^2) over a login storm, as the original), so the
   * fan-out walks one flat array instead of the user map and each user's list.
   */
  private readonly terminals: MsgConn[] = [];
  links!: MsgLinks;
  /** The accept-time cap (MaxClientConns); set by index.ts, absent for servers built in unit tests. */
  connLimit: ConnLimit | undefined = undefined;
  /** The client port actually bound (ListenPort may be 0 in tests). */
  listenPort = 0;
  readonly hostName = os.hostname();
  private nextHandle = 1;
  private lastStatsAt = nowMs();
  /** Rewrite (servers.md §6.6): client requests forwarded to db_proxy and not yet answered. */
  readonly dbPending: DbPending;
  /** Expired this tick, for the one log line per tick: [answered with a failure, dropped]. */
  private expiredAnswered = 0;
  private expiredDropped = 0;
  private expiredCids = new Set<number>();

  constructor(
    readonly conf: MsgConfig,
    readonly transport: Transport,
    readonly log: Logger,
    readonly ticker: Ticker,
    /** aesKey: used only to read text for push notifications (protocol.md §4.1). */
    readonly cipher: MsgCipher,
  ) {
    this.dbPending = new DbPending(conf.dbRequestTimeoutMs ?? 15_000, (p) => this.onDbTimeout(p));
  }

  /**
   * Rewrite (servers.md §6.6): db_proxy did not answer a forwarded request within
   * DbRequestTimeoutMs. The requester, if still here, gets the failure reply of that command with
   * its seq; commands without a failure field are only counted (logged once per tick in onTick).
   */
  private onDbTimeout(p: PendingRequest): void {
    const r = this.endRequest(p);
    if (!r) return;
    this.expiredCids.add(p.replyCid);
    if (r === 'answered') this.expiredAnswered++;
    else this.expiredDropped++;
  }

  /**
   * End one unanswered request: the failure reply of its command with its seq where that reply has
   * a failure field ('answered'), nothing otherwise ('dropped'). Undefined: the requester left (its
   * reply would have been dropped anyway), nobody is waiting, nothing to say.
   */
  private endRequest(p: PendingRequest): 'answered' | 'dropped' | undefined {
    const conn = this.conns.get(p.handle);
    if (!conn || !conn.open || conn.kicked || conn.userId !== p.userId) return undefined;
    if (!p.fail) return 'dropped';
    conn.send(p.replyCid, p.fail(p.userId), { seq: p.seq });
    return 'answered';
  }

  /**
   * Rewrite (servers.md §6.1 "requests in flight when a link breaks are lost", §6.6 item 4): a
   * db_proxy link closed, so nothing pending on it will ever be answered. Its requests end now by
   * the timeout's rules instead of at DbRequestTimeoutMs (a message store may or may not have
   * happened: no ack either way), with one log line per link.
   */
  onDbLinkClosed(link: PeerConn): void {
    this.refuseLoginsOn(link);
    let answered = 0;
    let dropped = 0;
    const cids = new Set<number>();
    const n = this.dbPending.expireLink(link, (p) => {
      const r = this.endRequest(p);
      if (!r) return;
      cids.add(p.replyCid);
      if (r === 'answered') answered++;
      else dropped++;
    });
    if (n === 0) return;
    this.log.warn({
      peer: link.peer, expired: n, answered, dropped, replyCids: [...cids].map((c) => `0x${c.toString(16).padStart(4, '0')}`),
    }, 'db_proxy link closed with requests in flight; failure replies sent where the reply has a failure field, the rest dropped');
  }

  /**
   * Logins whose validate request is on a db_proxy link and not yet answered. Only in-flight logins
   * are here (a handful at a time), so an idle connection costs nothing for it.
   */
  private readonly loginsInFlight = new Map<MsgConn, PeerConn>();

  /** handleLogin sent the validate request on `link`. */
  loginSent(conn: MsgConn, link: PeerConn): void { this.loginsInFlight.set(conn, link); }

  /** The validate reply arrived (or the connection is gone). */
  loginSettled(conn: MsgConn): void { this.loginsInFlight.delete(conn); }

  /**
   * The link a validate request went out on closed: that login will never be answered. Refuse it
   * now with REFUSE_REASON_NO_DB_SERVER and its seq, as a login started while no db_proxy link was
   * up is, instead of letting it wait for the login deadline (code 3).
   */
  private refuseLoginsOn(link: PeerConn): void {
    let n = 0;
    for (const [conn, l] of this.loginsInFlight) {
      if (l !== link) continue;
      this.loginsInFlight.delete(conn);
      if (conn.closed || conn.open || conn.loginName === undefined) continue;
      this.refuseLogin(conn, conn.loginSeq, IM.BaseDefine.ResultType.REFUSE_REASON_NO_DB_SERVER);
      conn.close();
      n++;
    }
    if (n > 0) this.log.warn({ peer: link.peer, refused: n }, 'db_proxy link closed with logins waiting for validation; refused them (no db server)');
  }

  get db(): DbProxyPool { return this.links.db; }
  get route(): RouteLink { return this.links.route; }

  // ---- connections ----

  newConn(): MsgConn {
    const handle = this.nextHandle;
    // u32 handles in the context; wrap far beyond any live connection's lifetime, skipping 0.
    this.nextHandle = this.nextHandle >= 0xffffffff ? 1 : this.nextHandle + 1;
    const c = new MsgConn(this, handle);
    this.conns.set(handle, c);
    this.ticker.add(c);
    return c;
  }

  /** servers.md §4.3 step 5: the close path of every client connection. */
  onConnClosed(conn: MsgConn): void {
    this.conns.delete(conn.handle);
    this.loginsInFlight.delete(conn);
    this.ticker.delete(conn);
    if (!conn.open) return;
    conn.open = false;
    this.users.detach(conn);
    this.dropTerminal(conn);
    this.links.login.sendAll(this.frame(Cid.CID_OTHER_USER_CNT_UPDATE, IM.Server.IMUserCntUpdate, { userAction: USER_CNT_DEC, userId: conn.userId }));
    this.links.route.sendAll(this.frame(Cid.CID_OTHER_USER_STATUS_UPDATE, IM.Server.IMUserStatusUpdate, {
      userStatus: STATUS_OFFLINE, userId: conn.userId, clientType: conn.clientType,
    }));
    this.log.info({ conn: conn.handle, user: conn.userId, clientType: conn.clientType }, 'logged-in connection closed');
  }

  /** The connection just validated: it counts as online before its login reply is written (clients.md). */
  goOnline(conn: MsgConn, userId: number): User {
    conn.userId = userId;
    conn.open = true;
    const user = this.users.attach(userId, conn);
    conn.terminalIndex = this.terminals.length;
    this.terminals.push(conn);
    this.links.login.sendAll(this.frame(Cid.CID_OTHER_USER_CNT_UPDATE, IM.Server.IMUserCntUpdate, { userAction: USER_CNT_INC, userId }));
    // Always "online", even when the client asked for "leave" (servers.md §4.6 step 8.5).
    this.links.route.sendAll(this.frame(Cid.CID_OTHER_USER_STATUS_UPDATE, IM.Server.IMUserStatusUpdate, {
      userStatus: STATUS_ONLINE, userId, clientType: conn.clientType,
    }));
    return user;
  }

  /**
   * Send CID_LOGIN_KICK_USER and close. Rewrite (servers.md §4.7): the original only marked the
   * connection, which kept working and receiving. The close flushes the kick PDU first.
   */
  kick(conn: MsgConn, reason: number): void {
    if (conn.kicked || conn.closed) return;
    conn.kicked = true;
    conn.send(Cid.CID_LOGIN_KICK_USER, encodeBody(IM.Login.IMKickUser, { userId: conn.userId, kickReason: reason }));
    this.log.info({ conn: conn.handle, user: conn.userId, reason }, 'connection kicked');
  }

  /** CID_LOGIN_RES_USERLOGIN with a refusal code and the original's text (servers.md §4.6 step 2). */
  refuseLogin(conn: MsgConn, seq: number, code: number): void {
    conn.send(Cid.CID_LOGIN_RES_USERLOGIN, encodeBody(IM.Login.IMLoginRes, {
      serverTime: Math.floor(Date.now() / 1000), resultCode: code, resultString: '服务端异常',
    }), { seq });
  }

  // ---- replies from upstream ----

  /**
   * The logged-in connection a reply belongs to: (user id in the reply, handle in its context).
   * Undefined (reply dropped) when the client left or the context is malformed.
   */
  requester(userId: number, attach: Uint8Array | null | undefined): { conn: MsgConn; ctx: Context } | undefined {
    const ctx = parseContext(attach);
    if (!ctx) {
      this.log.warn({ user: userId, attachLen: attach?.length ?? 0 }, 'reply with a malformed context; dropped');
      return undefined;
    }
    const conn = this.conns.get(ctx.handle);
    if (!conn || !conn.open || conn.userId !== userId) return undefined;
    return { conn, ctx };
  }

  // ---- fan-out (servers.md §4.16) ----

  /** Every logged-in connection of a user here, except one. */
  sendToUser(userId: number, frame: Uint8Array, except?: MsgConn): number {
    const u = this.users.get(userId);
    if (!u) return 0;
    let n = 0;
    for (const c of u.conns) if (c !== except && !c.kicked && c.sendRaw(frame)) n++;
    return n;
  }

  /** Logged-in connections (terminals): what login_server balances on. */
  get loggedIn(): number {
    return this.terminals.length;
  }

  /** Swap-remove: order among terminals means nothing, and removal must not be O(N) in a logout storm. */
  private dropTerminal(conn: MsgConn): void {
    const i = conn.terminalIndex;
    const t = this.terminals;
    if (i < 0 || t[i] !== conn) return;
    const last = t.pop()!;
    if (last !== conn) {
      t[i] = last;
      last.terminalIndex = i;
    }
    conn.terminalIndex = -1;
  }

  /**
   * Every logged-in connection here; `pcOnly` for presence notifies. The one frame buffer is written
   * to every connection (the transport copies it into each output queue) and the clock is read once
   * per broadcast, not once per connection as Conn.sendRaw would.
   */
  sendToEveryone(frame: Uint8Array, pcOnly: boolean): number {
    const now = nowMs();
    const t = this.terminals;
    let ids = this.broadcastIds;
    if (ids.length < t.length) ids = this.broadcastIds = new Float64Array(Math.max(t.length, ids.length * 2));
    let k = 0;
    for (let i = 0; i < t.length; i++) {
      const c = t[i]!;
      if (c.kicked || c.closed || (pcOnly && !isPc(c.clientType))) continue;
      c.lastSend = now;
      ids[k++] = c.id;
    }
    // One transport call for the whole fan-out: per-connection native writes were ~38 % of
    // msg_server CPU in a PC login storm (issue 8).
    return this.transport.writeMany(ids, frame, k);
  }

  /** Reused id list for sendToEveryone (grows with the number of terminals). */
  private broadcastIds = new Float64Array(64);

  // ---- link greetings (servers.md §1.10) ----

  msgServInfo(): Uint8Array {
    return this.frame(Cid.CID_OTHER_MSG_SERV_INFO, IM.Server.IMMsgServInfo, {
      ip1: this.conf.ipAddr1, ip2: this.conf.ipAddr2, port: this.listenPort,
      maxConnCnt: this.conf.maxConnCnt, curConnCnt: this.loggedIn, hostName: this.hostName,
    });
  }

  onlineUserInfo(): Uint8Array {
    const list: IM.BaseDefine.IServerUserStat[] = [];
    for (const u of this.users.values()) {
      for (const c of u.conns) list.push({ userId: u.id, status: c.onlineStatus, clientType: c.clientType });
    }
    return this.frame(Cid.CID_OTHER_ONLINE_USER_INFO, IM.Server.IMOnlineUserInfo, { userStatList: list });
  }

  // ---- frames ----

  /** A server-initiated PDU: seq 0 (protocol.md §1.3). */
  frame<I extends object>(cid: number, type: BodyType<object, I>, body: I, seq = 0): Buffer {
    return encodeFrame(cid, encodeBody(type, body), { seq });
  }

  /** A reply or forward that keeps a received header (seq, version, flag, reserved: protocol.md §1.2). */
  reframe(header: PduHeader, cid: number, body: Uint8Array): Buffer {
    return encodeFrame(cid, body, { seq: header.seq, version: header.version, flag: header.flag, reserved: header.reserved });
  }

  onTick(now: number): void {
    this.dbPending.onTick(now);
    if (this.expiredAnswered + this.expiredDropped > 0) {
      this.log.warn({
        answered: this.expiredAnswered, dropped: this.expiredDropped, pending: this.dbPending.size,
        replyCids: [...this.expiredCids].map((c) => `0x${c.toString(16).padStart(4, '0')}`), timeoutMs: this.dbPending.timeoutMs,
      }, 'db_proxy did not answer in time; failure replies sent where the reply has a failure field, the rest dropped');
      this.expiredAnswered = this.expiredDropped = 0;
      this.expiredCids.clear();
    }
    if (now - this.lastStatsAt >= STATS_EVERY_MS) {
      this.lastStatsAt = now;
      this.log.info({ ...this.stats.snapshot(), conns: this.conns.size, loggedIn: this.loggedIn, users: this.users.size }, 'message statistics');
    }
  }
}
