import { LinkGroup, LinkGroupOptions } from './LinkGroup';
import type { PeerConn } from './PeerConn';
import { encodeFrame } from '../pdu/Pdu';

const CID_OTHER_ROLE_SET = 0x0707;
/** IMRoleSet {master = 1}: field 1 varint 1. */
const ROLE_SET_MASTER = Buffer.from([0x08, 0x01]);

export interface RouteLinkOptions extends Omit<LinkGroupOptions, 'kind' | 'timeWhileConnecting'> {
  /**
   * Called when a route link comes up, after the ROLE_SET if this link was elected: returns the
   * first PDU the peer must see (msg_server: CID_OTHER_ONLINE_USER_INFO), or undefined.
   */
  greeting?: () => Uint8Array | undefined;
  /** The master changed (undefined: none open any more). */
  onMasterChange?: (master: PeerConn | undefined) => void;
}

/**
 * The links to every route_server (servers.md §1.10). Status updates go to all open links;
 * everything else (relays, kicks, status queries) to the single master: the open link with the
 * oldest connect time, re-elected whenever the master closes, and told so with CID_OTHER_ROLE_SET.
 */
export class RouteLink extends LinkGroup {
  master: PeerConn | undefined;

  constructor(private readonly ropts: RouteLinkOptions) {
    super({ ...ropts, kind: 'route', timeWhileConnecting: true });
  }

  /** Send to the master link; false (and nothing sent) when no route link is open. */
  sendMaster(frame: Uint8Array): boolean {
    const m = this.master;
    return m !== undefined && m.open && m.sendRaw(frame);
  }

  protected override onOpen(conn: PeerConn): void {
    if (!this.master) this.elect();
    const hello = this.ropts.greeting?.();
    if (hello) conn.sendRaw(hello);
  }

  protected override onClose(conn: PeerConn): void {
    if (this.master === conn) {
      this.master = undefined;
      this.elect();
    }
  }

  private elect(): void {
    let best: PeerConn | undefined;
    for (const c of this.openConns()) if (!best || c.connectedAt < best.connectedAt) best = c;
    this.master = best;
    if (best) {
      best.sendRaw(encodeFrame(CID_OTHER_ROLE_SET, ROLE_SET_MASTER));
      this.log.info({ peer: best.peer }, 'route master elected');
    }
    this.ropts.onMasterChange?.(best);
  }
}
