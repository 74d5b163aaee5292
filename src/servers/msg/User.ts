import type { MsgConn } from './MsgConn';
import { isMobile, isPc, sameClass } from './ClientClass';

/**
 * A user with at least one logged-in connection on this msg_server (servers.md §4.2). Connections
 * still waiting for db_proxy's validation are not attached to any user: they are found by their
 * context handle, so the original's orphaned-pending-login bug (§4.2) cannot happen.
 */
export class User {
  nick = '';
  /**
   * Set only by route_server's CID_OTHER_LOGIN_STATUS_NOTIFY: 1 = a PC client of the user is
   * online somewhere, 0 = none. Original bug: it started at 2 and the file path read that as "PC
   * online" (servers.md §4.2 Rewrite: start at 0).
   */
  pcLoginStatus = 0;
  /**
   * Logged-in connections, oldest first. A small array: a user rarely has more than two. Created
   * as a one-element literal: `[]` followed by a push reserves room for 17 (about 130 bytes per
   * idle user wasted at 15 000 users).
   */
  readonly conns: MsgConn[];

  constructor(readonly id: number, first: MsgConn) {
    this.conns = [first];
  }

  add(conn: MsgConn): void {
    this.conns.push(conn);
  }

  remove(conn: MsgConn): boolean {
    const i = this.conns.indexOf(conn);
    if (i < 0) return false;
    this.conns.splice(i, 1);
    return true;
  }

  get empty(): boolean {
    return this.conns.length === 0;
  }

  /**
   * The connections a new login of `clientType` displaces: every older logged-in terminal of the
   * same class. Rewrite (servers.md §4.7): the original kicked only the first one.
   */
  kickTargets(clientType: number, except?: MsgConn): MsgConn[] {
    return this.conns.filter((c) => c !== except && !c.kicked && sameClass(c.clientType, clientType));
  }

  hasPc(): boolean {
    return this.conns.some((c) => isPc(c.clientType));
  }

  pcConns(): MsgConn[] {
    return this.conns.filter((c) => isPc(c.clientType));
  }

  mobileConns(): MsgConn[] {
    return this.conns.filter((c) => isMobile(c.clientType));
  }
}
