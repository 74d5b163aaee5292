import { Conn, HeartbeatPolicy, MAX_CLIENT_PDU } from '../../net/Conn';
import type { HandlerTable } from '../../net/HandlerTable';
import type { Transport } from '../../net/Transport';
import type { PushContext } from './PushContext';

/** edge.md §4.4: sessions not heard from for 30 s are closed; push_server only echoes heartbeats. */
export const PUSH_LINK_HEARTBEAT: HeartbeatPolicy = { sendAfterMs: 0, timeoutMs: 30_000 };

/**
 * One msg_server connected to port 8500. Framing is the common one (Rewrite of protocol.md §1.8):
 * the standard header layout, a heartbeat is handled as soon as its 16 bytes are in (the original
 * waited for more bytes behind it), a length below 16 or over the maximum closes this link only,
 * and an unknown command is logged and dropped instead of closing the session.
 */
export class PushConn extends Conn {
  constructor(transport: Transport, readonly ctx: PushContext) {
    // Push requests are small (an alert text and a few tokens); the client maximum is ample.
    super(transport, { maxPduLength: MAX_CLIENT_PDU, heartbeat: PUSH_LINK_HEARTBEAT, log: ctx.log });
  }

  protected get handlers(): HandlerTable<this> {
    return this.ctx.handlers as unknown as HandlerTable<this>;
  }
}
