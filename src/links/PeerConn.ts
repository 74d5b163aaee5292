import { Conn, LINK_HEARTBEAT, MAX_LINK_PDU } from '../net/Conn';
import type { HeartbeatPolicy } from '../net/Conn';
import type { CloseReason, Transport } from '../net/Transport';
import type { HandlerTable } from '../net/HandlerTable';
import type { ServerLink } from '../net/ServerLink';
import type { Logger } from '../util/log';
import { nowMs } from '../util/clock';
import type { Pdu } from '../pdu/Pdu';
import { PduError } from '../pdu/PduError';

/** What a group of links wants to hear about one of its connections. */
export interface PeerEvents {
  onOpen(conn: PeerConn): void;
  onClose(conn: PeerConn): void;
}

export interface PeerConnOptions {
  log: Logger;
  heartbeat?: HeartbeatPolicy;
  /**
   * servers.md §1.9: login, route and file links are timed out while still connecting (a hung
   * connect is dropped after 30 s); db_proxy and push links are timed only once open.
   */
  timeWhileConnecting: boolean;
}

/**
 * One outgoing server-to-server link (msg_server -> db_proxy/route/login/push/file). Reports its
 * connect and close to its slot (reconnect back-off) and to the group that owns it.
 */
export class PeerConn extends Conn {
  /** Connect confirmed, not closed, not told to stop (db_proxy's CID_OTHER_STOP_RECV_PACKET). */
  open = false;
  /** db_proxy is shutting down: no longer chosen, no heartbeats, no timeout (servers.md §4.15). */
  stopped = false;
  connectedAt = 0;
  /** Per-link data a group keeps (e.g. file_server's address list). */
  extra: unknown = undefined;
  private readonly timeWhileConnecting: boolean;

  constructor(
    transport: Transport,
    readonly slot: ServerLink<PeerConn>,
    private readonly table: HandlerTable<PeerConn>,
    private readonly events: PeerEvents,
    opts: PeerConnOptions,
  ) {
    super(transport, { maxPduLength: MAX_LINK_PDU, heartbeat: opts.heartbeat ?? LINK_HEARTBEAT, log: opts.log });
    this.timeWhileConnecting = opts.timeWhileConnecting;
  }

  protected get handlers(): HandlerTable<this> {
    return this.table as unknown as HandlerTable<this>;
  }

  get peer(): string { return `${this.slot.host}:${this.slot.port}`; }

  override onConnect(errno: number): void {
    if (errno !== 0 || this.closed) return;
    const now = nowMs();
    this.open = true;
    this.connectedAt = now;
    this.lastRecv = this.lastSend = now;
    this.slot.confirmed(now);
    this.log.info({ peer: this.peer }, 'link up');
    this.events.onOpen(this);
  }

  protected override onClosed(reason: CloseReason, errno: number): void {
    const wasOpen = this.open;
    this.open = false;
    this.slot.lost(this);
    if (wasOpen || this.stopped) this.log.warn({ peer: this.peer, reason, errno }, 'link down');
    else this.log.debug({ peer: this.peer, reason, errno }, 'link connect failed');
    this.events.onClose(this);
  }

  /**
   * A body that does not parse on a server link is logged and dropped, not a reason to drop the
   * whole link and every request in flight on it (protocol.md §1.5 Rewrite: the conservative
   * choice for server-to-server links). Bad framing still closes it (Conn).
   */
  protected override onHandlerError(pdu: Pdu, err: unknown): void {
    if (err instanceof PduError) {
      this.log.warn({ peer: this.peer, cid: pdu.header.commandId, reason: err.reason, err: err.message }, 'malformed PDU on a server link; dropped');
      return;
    }
    super.onHandlerError(pdu, err);
  }

  /** Mark the link as draining (db_proxy shutdown): it stays connected until the peer closes it. */
  stopUsing(): void {
    this.stopped = true;
    this.open = false;
    this.events.onClose(this);
  }

  override onTick(now: number): void {
    if (this.closed || this.stopped) return;
    if (this.open) { super.onTick(now); return; }
    if (this.timeWhileConnecting && now - this.lastRecv > this.heartbeat.timeoutMs) {
      this.log.warn({ peer: this.peer }, 'link connect timed out; closing');
      this.close();
    }
  }
}
