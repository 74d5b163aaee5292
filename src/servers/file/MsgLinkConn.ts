import { Conn, HeartbeatPolicy, MAX_CLIENT_PDU } from '../../net/Conn';
import type { HandlerTable } from '../../net/HandlerTable';
import type { Transport } from '../../net/Transport';
import type { FileContext } from './FileContext';

/**
 * edge.md §1.3: file_server never sends heartbeats of its own on msg_server links (it echoes
 * msg_server's) and drops a link after 30 s of silence.
 */
export const MSG_LINK_HEARTBEAT: HeartbeatPolicy = { sendAfterMs: 0, timeoutMs: 30_000 };

/** One msg_server connected to port 8601: asks for the advertised addresses and creates tasks. */
export class MsgLinkConn extends Conn {
  constructor(transport: Transport, readonly ctx: FileContext) {
    // msg_server PDUs on this port are tiny; the client maximum is plenty.
    super(transport, { maxPduLength: MAX_CLIENT_PDU, heartbeat: MSG_LINK_HEARTBEAT, log: ctx.log });
  }

  protected get handlers(): HandlerTable<this> {
    return this.ctx.msgHandlers as unknown as HandlerTable<this>;
  }
}
