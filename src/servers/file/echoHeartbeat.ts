import { encodeFrame } from '../../pdu/Pdu';
import type { Pdu } from '../../pdu/Pdu';

/** edge.md §1.3: a heartbeat on either port is sent back unchanged (same header values, same seq). */
export function echoHeartbeat(conn: { sendRaw(frame: Uint8Array): boolean }, pdu: Pdu): void {
  const h = pdu.header;
  conn.sendRaw(encodeFrame(h.commandId, pdu.body, { seq: h.seq, version: h.version, flag: h.flag, reserved: h.reserved }));
}
