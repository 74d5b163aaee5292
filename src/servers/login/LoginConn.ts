import { Conn, LINK_HEARTBEAT, MAX_CLIENT_PDU, MAX_LINK_PDU, PC_CLIENT_HEARTBEAT } from '../../net/Conn';
import type { HandlerTable } from '../../net/HandlerTable';
import type { CloseReason, Transport } from '../../net/Transport';
import type { Logger } from '../../util/log';
import type { MsgServerRegistry } from './MsgServerRegistry';
import { loginHandlers } from './handlers';

/**
 * Which port a PDU connection came in on: msg_servers register on MsgServerPort, clients ask for a
 * msg_server on ClientPort (servers.md §3.2, §3.5). Like the original's CLoginConn, one class with
 * a kind, so the server keeps one handler table.
 */
export type LoginConnKind = 'msg_server' | 'client';

export interface LoginContext {
  registry: MsgServerRegistry<LoginConn>;
  log: Logger;
  /** Called once when the connection is gone, so the owner can forget it (ticker, stop list). */
  onGone(conn: LoginConn): void;
}

export class LoginConn extends Conn {
  constructor(
    transport: Transport,
    readonly kind: LoginConnKind,
    /** Accept order, the selection tie-break (servers.md §3.3). */
    readonly order: number,
    readonly ctx: LoginContext,
  ) {
    // msg_server links: heartbeat after 5 s idle, closed after 30 s silent. Clients: closed after
    // 120 s silent, no heartbeats sent to them.
    super(transport, kind === 'msg_server'
      ? { maxPduLength: MAX_LINK_PDU, heartbeat: LINK_HEARTBEAT, log: ctx.log }
      : { maxPduLength: MAX_CLIENT_PDU, heartbeat: PC_CLIENT_HEARTBEAT, log: ctx.log });
  }

  protected get handlers(): HandlerTable<this> {
    // The table is typed for LoginConn; `this` is always a LoginConn (the class is not subclassed).
    return loginHandlers as unknown as HandlerTable<this>;
  }

  protected override onClosed(reason: CloseReason, errno: number): void {
    this.ctx.onGone(this);
    if (this.kind !== 'msg_server') return;
    const gone = this.ctx.registry.unregister(this);
    this.log.info(
      { link: this.id, peer: `${this.peerIp}:${this.peerPort}`, reason, errno, msgServer: gone && `${gone.ip1}:${gone.port}`, total: this.ctx.registry.total },
      'msg_server link closed',
    );
  }
}
