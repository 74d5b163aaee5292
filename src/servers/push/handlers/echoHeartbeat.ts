import { encodeFrame } from '../../../pdu/Pdu';
import type { Pdu } from '../../../pdu/Pdu';

/** edge.md §4.4: a heartbeat is echoed with the exact bytes it came with, at once. */
export function echoHeartbeat(conn: { sendRaw(frame: Uint8Array): boolean }, pdu: Pdu): void {
  const h = pdu.header;
  conn.sendRaw(encodeFrame(h.commandId, pdu.body, { seq: h.seq, version: h.version, flag: h.flag, reserved: h.reserved }));
}
