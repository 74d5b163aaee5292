import { Conn, MAX_CLIENT_PDU, PC_CLIENT_HEARTBEAT } from '../../src/net/Conn';
import { HandlerTable } from '../../src/net/HandlerTable';
import type { Pdu } from '../../src/pdu/Pdu';
import type { Transport } from '../../src/net/Transport';
import { childLog } from '../../src/util/log';

const log = childLog({ mod: 'bench-echo' });
const CID_OTHER_HEARTBEAT = 0x0701;

/** What msg_server does with a client heartbeat: send it back (protocol.md §6). */
function echoHeartbeat(c: BenchEchoConn, pdu: Pdu): void {
  c.send(pdu.header.commandId, pdu.body, { seq: pdu.header.seq });
}

const table = new HandlerTable<BenchEchoConn>([[CID_OTHER_HEARTBEAT, echoHeartbeat]]);

/** The bench's server connection: full Conn framing and dispatch, like every real server. */
export class BenchEchoConn extends Conn {
  constructor(transport: Transport) {
    super(transport, { maxPduLength: MAX_CLIENT_PDU, heartbeat: PC_CLIENT_HEARTBEAT, log });
  }
  protected override get handlers(): HandlerTable<this> { return table as unknown as HandlerTable<this>; }
}
