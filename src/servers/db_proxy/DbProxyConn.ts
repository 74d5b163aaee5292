import { Conn, LINK_HEARTBEAT, MAX_LINK_PDU } from '../../net/Conn';
import type { HandlerTable } from '../../net/HandlerTable';
import type { Transport } from '../../net/Transport';
import type { Pdu } from '../../pdu/Pdu';
import type { Logger } from '../../util/log';
import { Cid } from './pdu';

/** Bad bodies tolerated per link per minute before the link is closed (db_proxy.md §8 Rewrite). */
const GARBAGE_PER_MINUTE = 20;
/** Requests of one link in the workers before reading from it pauses (backpressure). */
const PAUSE_AT = 20_000;
const RESUME_AT = 10_000;

export interface DbProxyLinks {
  readonly handlers: HandlerTable<DbProxyConn>;
  closed(conn: DbProxyConn): void;
}

/**
 * One link from a msg_server or http_msg_server. Heartbeats and timeouts are the server-link ones
 * (servers.md §1.9: send after 5 s of silence, close after 30 s without input); every request goes
 * to a worker and its answer comes back on this link, if it is still open.
 */
export class DbProxyConn extends Conn {
  inFlight = 0;
  private garbage = 0;
  private garbageSince = 0;
  private paused = false;

  constructor(transport: Transport, log: Logger, private readonly links: DbProxyLinks) {
    super(transport, { maxPduLength: MAX_LINK_PDU, heartbeat: LINK_HEARTBEAT, log });
  }

  protected override get handlers(): HandlerTable<this> {
    return this.links.handlers as unknown as HandlerTable<this>;
  }

  protected override dispatch(pdu: Pdu): void {
    // Incoming heartbeats only refresh "last received" (done by Conn); they are never queued (§2.1).
    if (pdu.header.commandId === Cid.CID_OTHER_HEARTBEAT) return;
    super.dispatch(pdu);
  }

  protected override onClosed(): void {
    this.links.closed(this);
  }

  /** A body that does not parse: logged; a link that keeps sending them is closed. */
  noteGarbage(now: number): void {
    if (now - this.garbageSince > 60_000) { this.garbageSince = now; this.garbage = 0; }
    if (++this.garbage > GARBAGE_PER_MINUTE) {
      this.log.warn({ conn: this.id, peer: `${this.peerIp}:${this.peerPort}` }, 'too many malformed requests; closing link');
      this.close();
    }
  }

  requestQueued(): void {
    if (++this.inFlight >= PAUSE_AT && !this.paused) {
      this.paused = true;
      this.transport.pause(this.id);
      this.log.warn({ conn: this.id, inFlight: this.inFlight }, 'link has too many requests in progress; pausing reads');
    }
  }

  requestDone(): void {
    if (--this.inFlight <= RESUME_AT && this.paused) {
      this.paused = false;
      if (!this.closed) this.transport.resume(this.id);
    }
  }

  /** Shutdown (§1): tell the peer to stop sending requests. */
  sendStopReceive(body: Uint8Array): void {
    this.send(Cid.CID_OTHER_STOP_RECV_PACKET, body);
  }
}
