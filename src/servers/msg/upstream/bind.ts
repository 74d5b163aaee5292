import type { Handler } from '../../../net/HandlerTable';
import type { Pdu } from '../../../pdu/Pdu';
import type { PeerConn } from '../../../links/PeerConn';
import type { MsgServer } from '../MsgServer';

/** A handler for a PDU arriving on one of msg_server's links; the server is bound per table. */
export type LinkHandler = (s: MsgServer, link: PeerConn, pdu: Pdu) => void;

export function bind(s: MsgServer, entries: ReadonlyArray<readonly [number, LinkHandler]>): Array<[number, Handler<PeerConn>]> {
  return entries.map(([cid, h]) => [cid, (link: PeerConn, pdu: Pdu) => h(s, link, pdu)]);
}

/** Heartbeats on links only refresh the receive time (Conn did that already). */
export const ignore: LinkHandler = () => {};
