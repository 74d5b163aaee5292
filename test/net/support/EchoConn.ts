import { Conn, ConnOptions, MAX_CLIENT_PDU, PC_CLIENT_HEARTBEAT } from '../../../src/net/Conn';
import { HandlerTable } from '../../../src/net/HandlerTable';
import type { Pdu } from '../../../src/pdu/Pdu';
import type { CloseReason, Listener, Transport } from '../../../src/net/Transport';
import type { Logger } from '../../../src/util/log';
import { log as rootLog } from '../../../src/util/log';

export const CID_ECHO = 0x0701; // heartbeat: the server echoes it like msg_server does
export const CID_CLOSE_AFTER_REPLY = 0x0702;

function echo(c: EchoConn, pdu: Pdu): void {
  c.send(pdu.header.commandId, pdu.body, { seq: pdu.header.seq });
}

function replyThenClose(c: EchoConn, pdu: Pdu): void {
  echo(c, pdu);
  c.close();
}

const table = new HandlerTable<EchoConn>([
  [CID_ECHO, echo],
  [CID_CLOSE_AFTER_REPLY, replyThenClose],
]);

/** A PDU connection that echoes frames back: the smallest real user of Conn + HandlerTable. */
export class EchoConn extends Conn {
  closedWith: { reason: CloseReason; errno: number } | undefined;
  constructor(transport: Transport, opts: Partial<ConnOptions> = {}) {
    super(transport, { maxPduLength: MAX_CLIENT_PDU, heartbeat: PC_CLIENT_HEARTBEAT, log: rootLog, ...opts });
  }
  protected override get handlers(): HandlerTable<this> { return table as unknown as HandlerTable<this>; }
  protected override onClosed(reason: CloseReason, errno: number): void { this.closedWith = { reason, errno }; }
}

export interface EchoServer {
  listener: Listener;
  port: number;
  conns: EchoConn[];
  close(): void;
}

export async function startEchoServer(transport: Transport, opts: Partial<ConnOptions> & { log?: Logger } = {}): Promise<EchoServer> {
  const conns: EchoConn[] = [];
  const listener = await transport.listen('127.0.0.1', 0, ({ id, peerIp, peerPort }) => {
    const c = new EchoConn(transport, opts);
    c.id = id; c.peerIp = peerIp; c.peerPort = peerPort;
    conns.push(c);
    return c;
  });
  return {
    listener, port: listener.port, conns,
    close: () => { listener.close(); for (const c of conns) c.close(); },
  };
}
