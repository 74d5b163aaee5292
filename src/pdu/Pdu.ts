import { HEADER_LENGTH, PduHeader, DEFAULT_VERSION, writeHeaderFields } from './header';
import { copyInto } from '../util/bytes';

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
  encodeFrameInto(out, 0, commandId, body, opts);
  return out;
}

/**
 * Write the frame at `out[offset…]` (the caller made room for 16 + body.length bytes). The native
 * transport encodes straight into its write arena with this, so a reply costs no frame buffer.
 */
export function encodeFrameInto(out: Uint8Array, offset: number, commandId: number, body: Uint8Array, opts: EncodeOptions | undefined): void {
  writeHeaderFields(out, offset, HEADER_LENGTH + body.length, opts?.version ?? DEFAULT_VERSION, opts?.flag ?? 0,
    commandId >>> 8, commandId, opts?.seq ?? 0, opts?.reserved ?? 0);
  copyInto(out, offset + HEADER_LENGTH, body);
}
