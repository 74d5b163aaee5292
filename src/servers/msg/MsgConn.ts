import { Conn, MAX_CLIENT_PDU, MOBILE_CLIENT_HEARTBEAT, PC_CLIENT_HEARTBEAT } from '../../net/Conn';
import type { CloseReason } from '../../net/Transport';
import type { HandlerTable } from '../../net/HandlerTable';
import type { Pdu } from '../../pdu/Pdu';
import { Cid } from '../../pdu/commands';
import { nowMs } from '../../util/clock';
import type { MsgServer } from './MsgServer';
import { isMobile } from './ClientClass';
import { clientHandlers } from './client/table';

/**
 * One client connection to msg_server (servers.md §4.2/§4.3). Kept small on purpose: a loaded
 * msg_server holds tens of thousands of these.
 */
export class MsgConn extends Conn {
  /** msg_server's own connection number, used as the context handle; never reused. */
  readonly handle: number;
  /** Set by the first login request; a second one is ignored. */
  loginName: string | undefined = undefined;
  /** seq of the login request: a late refusal must carry it (the Windows client matches by seq). */
  loginSeq = 0;
  /** The session user; 0 until db_proxy validated the login. */
  userId = 0;
  /** Logged in (validated) and not yet closed. */
  open = false;
  kicked = false;
  clientType = 0;
  /** Presence asked for at login (1 online, 3 leave); 2 before login. */
  onlineStatus = 2;
  readonly connectedAt: number;
  /** CID_MSG_DATA received in the current one-second tick (rate limit). */
  msgsThisTick = 0;
  /** Position in MsgServer's dense terminal array while logged in; -1 otherwise. */
  terminalIndex = -1;
  /** Delivery-ack watch list (statistic only, servers.md §4.3): [msgId, fromId, time] triplets. */
  watch: number[] | undefined = undefined;

  constructor(readonly server: MsgServer, handle: number) {
    super(server.transport, { maxPduLength: MAX_CLIENT_PDU, heartbeat: PC_CLIENT_HEARTBEAT, log: server.log });
    this.handle = handle;
    this.connectedAt = nowMs();
  }

  protected get handlers(): HandlerTable<this> {
    return clientHandlers as unknown as HandlerTable<this>;
  }

  get mobile(): boolean {
    return isMobile(this.clientType);
  }

  /** The client type is known once the login request parsed: it decides the idle timeout. */
  setClientType(t: number): void {
    this.clientType = t;
    this.heartbeat = isMobile(t) ? MOBILE_CLIENT_HEARTBEAT : PC_CLIENT_HEARTBEAT;
  }

  /**
   * Rewrite (servers.md §4.5, protocol.md §4.6): before login only the login request and the
   * heartbeat are accepted; anything else closes the connection. The original processed every
   * command as user 0. A kicked connection is being closed and handles nothing more.
   */
  protected override dispatch(pdu: Pdu): void {
    const cid = pdu.header.commandId;
    if (!this.open && cid !== Cid.CID_LOGIN_REQ_USERLOGIN && cid !== Cid.CID_OTHER_HEARTBEAT) {
      this.log.warn({ conn: this.handle, peer: `${this.peerIp}:${this.peerPort}`, cid }, 'request before login; closing connection');
      this.close();
      return;
    }
    if (this.kicked) return;
    super.dispatch(pdu);
  }

  protected override onUnknown(pdu: Pdu): void {
    this.log.warn({ conn: this.handle, user: this.userId, cid: pdu.header.commandId }, 'command not handled by msg_server; dropped');
  }

  protected override onClosed(_reason: CloseReason, _errno: number): void {
    this.server.onConnClosed(this);
  }

  /** Remember a delivered single message until the receiver acks it (servers.md §4.10 step 3). */
  watchDelivery(msgId: number, fromId: number, now: number): void {
    (this.watch ??= []).push(msgId, fromId, now);
  }

  /** A delivery (or read) ack: forget the matching entry. */
  unwatch(msgId: number, fromId: number): void {
    const w = this.watch;
    if (!w) return;
    for (let i = 0; i < w.length; i += 3) {
      if (w[i] === msgId && w[i + 1] === fromId) { w.splice(i, 3); break; }
    }
    if (w.length === 0) this.watch = undefined;
  }

  override onTick(now: number): void {
    if (this.closed) return;
    this.msgsThisTick = 0;
    if (!this.open && now - this.connectedAt > this.server.conf.loginDeadlineMs) {
      this.log.info({ conn: this.handle, peer: `${this.peerIp}:${this.peerPort}`, pending: this.loginName !== undefined }, 'not logged in within the login deadline; closing');
      // A login waiting for db_proxy gets an answer (the original closed silently): every request answered.
      if (this.loginName !== undefined) this.server.refuseLogin(this, this.loginSeq, 3);
      this.close();
      return;
    }
    const w = this.watch;
    if (w) {
      let k = 0;
      while (k < w.length && now - w[k + 2]! > 15_000) k += 3;
      if (k > 0) {
        this.server.stats.downMissed += k / 3;
        w.splice(0, k);
        if (w.length === 0) this.watch = undefined;
      }
    }
    super.onTick(now);
  }
}
