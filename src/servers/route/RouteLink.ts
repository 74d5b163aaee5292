import { Conn, LINK_HEARTBEAT, MAX_LINK_PDU } from '../../net/Conn';
import type { HandlerTable } from '../../net/HandlerTable';
import type { CloseReason, Transport } from '../../net/Transport';
import type { Logger } from '../../util/log';
import type { Ticker } from '../../net/Ticker';
import type { RouteHub } from './RouteHub';
import { routeHandlers } from './handlers';

/**
 * One accepted link from a msg_server or an http_msg_server (route_server treats both alike,
 * servers.md §5.1). Heartbeat after 5 s of sending nothing, closed after 30 s of receiving nothing.
 */
export class RouteLink extends Conn {
  /** Set by CID_OTHER_ROLE_SET; kept for diagnostics, never used for routing (servers.md §5.5). */
  master = false;

  constructor(transport: Transport, readonly hub: RouteHub<RouteLink>, private readonly ticker: Ticker, log: Logger) {
    super(transport, { maxPduLength: MAX_LINK_PDU, heartbeat: LINK_HEARTBEAT, log });
  }

  protected get handlers(): HandlerTable<this> {
    // The table is typed for RouteLink; `this` is always a RouteLink (the class is not subclassed).
    return routeHandlers as unknown as HandlerTable<this>;
  }

  protected override onClosed(reason: CloseReason, errno: number): void {
    this.log.info({ link: this.id, peer: `${this.peerIp}:${this.peerPort}`, reason, errno }, 'msg_server link closed');
    this.ticker.delete(this);
    this.hub.remove(this);
  }
}
