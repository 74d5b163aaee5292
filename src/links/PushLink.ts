import { LinkGroup, LinkGroupOptions } from './LinkGroup';
import type { PeerConn } from './PeerConn';

/**
 * The links to push_server. The original used the most recently confirmed link as "master" and
 * forgot it when *any* push link closed (servers.md §1.10, Original bug: pushes stop until a
 * reconnect). Fix: the master is the most recently confirmed link that is still open.
 */
export class PushLink extends LinkGroup {
  constructor(opts: Omit<LinkGroupOptions, 'kind' | 'timeWhileConnecting'>) {
    super({ ...opts, kind: 'push', timeWhileConnecting: false });
  }

  get master(): PeerConn | undefined {
    let best: PeerConn | undefined;
    for (const c of this.openConns()) if (!best || c.connectedAt >= best.connectedAt) best = c;
    return best;
  }

  /** Send to the master push link; false when none is open. */
  sendMaster(frame: Uint8Array): boolean {
    const m = this.master;
    return m !== undefined && m.sendRaw(frame);
  }
}
