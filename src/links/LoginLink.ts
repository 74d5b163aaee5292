import { LinkGroup, LinkGroupOptions } from './LinkGroup';
import type { PeerConn } from './PeerConn';

export interface LoginLinkOptions extends Omit<LinkGroupOptions, 'kind' | 'timeWhileConnecting'> {
  /** The registration PDU a fresh login link sends first (CID_OTHER_MSG_SERV_INFO with the current count). */
  greeting: () => Uint8Array;
}

/**
 * The links to every login_server: each registers this msg_server on connect and receives every
 * user-count update (servers.md §1.10, §3.2). login_server sends nothing but heartbeats back.
 */
export class LoginLink extends LinkGroup {
  constructor(private readonly lopts: LoginLinkOptions) {
    super({ ...lopts, kind: 'login', timeWhileConnecting: true });
  }

  protected override onOpen(conn: PeerConn): void {
    conn.sendRaw(this.lopts.greeting());
  }
}
