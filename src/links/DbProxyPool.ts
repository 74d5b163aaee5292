import { LinkGroup, Endpoint, LinkGroupOptions } from './LinkGroup';
import type { PeerConn } from './PeerConn';

/** Which half of the db_proxy slots a request prefers (servers.md §1.10). */
export type DbPoolKind = 'login' | 'general';

export interface DbProxyPoolOptions extends Omit<LinkGroupOptions, 'endpoints' | 'kind' | 'timeWhileConnecting'> {
  /** The configured db_proxy instances (DBServerIP<n>/DBServerPort<n>). */
  instances: readonly Endpoint[];
  /** ConcurrentDBConnCnt: parallel links per instance. */
  linksPerInstance: number;
  /**
   * A link closed for good (not merely told to stop: a stopping db_proxy still answers what it
   * has, servers.md §6.1): nothing sent on it will be answered.
   */
  onLinkClosed?: (conn: PeerConn) => void;
}

/**
 * The N x C db_proxy links of servers.md §1.10: slot i connects to instance floor(i / C); the first
 * floor(N / 2) x C slots are the login pool (validate and first-screen queries), the rest the
 * general pool. Each request takes a random open link of its preferred pool and falls back to the
 * other, so a flood of ordinary traffic cannot starve logins. Replies are correlated by the
 * caller's attach_data context, never by link, since db_proxy answers out of order.
 */
export class DbProxyPool extends LinkGroup {
  private readonly loginEnd: number;
  private readonly onLinkClosed: ((conn: PeerConn) => void) | undefined;

  constructor(opts: DbProxyPoolOptions) {
    const c = Math.max(1, opts.linksPerInstance);
    const endpoints: Endpoint[] = [];
    for (const inst of opts.instances) for (let k = 0; k < c; k++) endpoints.push(inst);
    super({ ...opts, kind: 'db_proxy', endpoints, timeWhileConnecting: false });
    this.loginEnd = Math.floor(opts.instances.length / 2) * c;
    this.onLinkClosed = opts.onLinkClosed;
  }

  /** Called on close and on CID_OTHER_STOP_RECV_PACKET (PeerConn.stopUsing, still connected). */
  protected override onClose(conn: PeerConn): void {
    if (conn.closed) this.onLinkClosed?.(conn);
  }

  /** A usable link for a request of this kind, or undefined when no db_proxy link is open. */
  pick(kind: DbPoolKind): PeerConn | undefined {
    const n = this.slots.length;
    if (kind === 'login') return this.randomOpen(0, this.loginEnd) ?? this.randomOpen(this.loginEnd, n);
    return this.randomOpen(this.loginEnd, n) ?? this.randomOpen(0, this.loginEnd);
  }

  /** Send a frame on a link of the preferred pool; the link used, or undefined if none is open. */
  send(kind: DbPoolKind, frame: Uint8Array): PeerConn | undefined {
    const c = this.pick(kind);
    if (c && c.sendRaw(frame)) return c;
    return undefined;
  }
}
