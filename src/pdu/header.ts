import { PduError } from './PduError';

/** protocol.md §1.1: every header integer is big-endian; `length` counts the 16 header bytes. */
export const HEADER_LENGTH = 16;

export interface PduHeader {
  length: number;
  version: number;
  flag: number;
  serviceId: number;
  commandId: number;
  seq: number;
  reserved: number;
}

/** Header values the original servers write in PDUs they build (protocol.md §1.2). */
export const DEFAULT_VERSION = 1;

/**
 * Read the header at `offset` in place (no copy). Checks only what framing needs:
 * at least 16 bytes present and 16 <= length <= maxLength.
 */
export function readHeader(buf: Uint8Array, offset: number, maxLength: number): PduHeader {
  if (buf.length - offset < HEADER_LENGTH) {
    throw new PduError('short-header', `need ${HEADER_LENGTH} bytes, have ${buf.length - offset}`);
  }
  const length = readU32(buf, offset);
  const commandId = readU16(buf, offset + 10);
  if (length < HEADER_LENGTH) throw new PduError('length-too-small', `length ${length}`, commandId);
  if (length > maxLength) throw new PduError('length-too-large', `length ${length} > max ${maxLength}`, commandId);
  return {
    length,
    version: readU16(buf, offset + 4),
    flag: readU16(buf, offset + 6),
    serviceId: readU16(buf, offset + 8),
    commandId,
    seq: readU16(buf, offset + 12),
    reserved: readU16(buf, offset + 14),
  };
}

/** Length field only: the framing hot path needs nothing else before a PDU is complete. */
export function peekLength(buf: Uint8Array, offset: number): number {
  return readU32(buf, offset);
}

export function writeHeader(buf: Uint8Array, offset: number, h: PduHeader): void {
  writeHeaderFields(buf, offset, h.length, h.version, h.flag, h.serviceId, h.commandId, h.seq, h.reserved);
}

/** writeHeader without the object: the send path (encodeFrameInto) calls this once per frame. */
export function writeHeaderFields(
  b: Uint8Array, o: number, length: number, version: number, flag: number, serviceId: number, commandId: number, seq: number, reserved: number,
): void {
  b[o] = (length >>> 24) & 0xff; b[o + 1] = (length >>> 16) & 0xff; b[o + 2] = (length >>> 8) & 0xff; b[o + 3] = length & 0xff;
  b[o + 4] = (version >>> 8) & 0xff; b[o + 5] = version & 0xff;
  b[o + 6] = (flag >>> 8) & 0xff; b[o + 7] = flag & 0xff;
  b[o + 8] = (serviceId >>> 8) & 0xff; b[o + 9] = serviceId & 0xff;
  b[o + 10] = (commandId >>> 8) & 0xff; b[o + 11] = commandId & 0xff;
  b[o + 12] = (seq >>> 8) & 0xff; b[o + 13] = seq & 0xff;
  b[o + 14] = (reserved >>> 8) & 0xff; b[o + 15] = reserved & 0xff;
}

function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
}
function readU16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff; b[o + 1] = (v >>> 16) & 0xff; b[o + 2] = (v >>> 8) & 0xff; b[o + 3] = v & 0xff;
}
function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff; b[o + 1] = v & 0xff;
}
