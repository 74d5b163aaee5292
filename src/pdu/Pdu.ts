import { HEADER_LENGTH, PduHeader, DEFAULT_VERSION, writeHeader } from './header';

/**
 * One frame: header plus the protobuf body bytes. `body` is owned by the Pdu (Conn copies it
 * out of the read buffer), so handlers may keep it across awaits.
 */
export interface Pdu {
  header: PduHeader;
  body: Buffer;
}

export interface EncodeOptions {
  seq?: number;
  version?: number;
  flag?: number;
  reserved?: number;
}

/** Build a whole frame; service id is always command id >> 8 (protocol.md §1.2). */
export function encodeFrame(commandId: number, body: Uint8Array, opts: EncodeOptions = {}): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LENGTH + body.length);
  writeHeader(out, 0, {
    length: HEADER_LENGTH + body.length,
    version: opts.version ?? DEFAULT_VERSION,
    flag: opts.flag ?? 0,
    serviceId: commandId >>> 8,
    commandId,
    seq: opts.seq ?? 0,
    reserved: opts.reserved ?? 0,
  });
  out.set(body, HEADER_LENGTH);
  return out;
}
