import { PduError } from './PduError';

/**
 * attach_data (field 20), protocol.md §3.6: the context msg_server puts into a forwarded request so
 * it can find the client connection when the reply comes back. db_proxy, route_server and
 * file_server copy it byte for byte and never parse it.
 *
 *   Format A (12 bytes):      type u32 BE | handle u32 BE | service type u32 BE
 *   Format B (16 + N bytes):  the same three, then N u32 BE, then an N-byte embedded protobuf body
 */

/** The type codes of the original msg_server. http_msg_server numbers its own (its 3 = handle). */
export const AttachType = {
  HANDLE: 1,
  PDU: 2, // defined, unused
  HANDLE_AND_PDU: 3, // group fan-out: CID_GROUP_INFO_REQUEST carrying the IMMsgData body
  PDU_FOR_PUSH: 4, // users-status request carrying an IMPushToUserReq body
  HANDLE_AND_PDU_FOR_FILE: 5, // users-status request carrying an IMFileTransferReq body
} as const;

export const ATTACH_A_LENGTH = 12;
export const ATTACH_B_HEADER_LENGTH = 16;

export interface Attach {
  type: number;
  /** the msg_server-side connection id (0 when no client connection waits for the answer) */
  handle: number;
  /** always 0 in the original */
  serviceType: number;
  /** Format B's embedded body; absent means Format A. Format B with an empty body is 16 bytes. */
  body?: Uint8Array;
}

export function encodeAttach(a: Attach): Buffer {
  const n = a.body === undefined ? 0 : a.body.length;
  const out = Buffer.allocUnsafe(a.body === undefined ? ATTACH_A_LENGTH : ATTACH_B_HEADER_LENGTH + n);
  out.writeUInt32BE(a.type >>> 0, 0);
  out.writeUInt32BE(a.handle >>> 0, 4);
  out.writeUInt32BE(a.serviceType >>> 0, 8);
  if (a.body !== undefined) {
    out.writeUInt32BE(n, 12);
    out.set(a.body, ATTACH_B_HEADER_LENGTH);
  }
  return out;
}

/**
 * Parse either format. A blob of any other shape is PduError('bad-attach'): the original read
 * past the end of a short blob and dropped the whole server link (Original bug, §3.6); callers
 * should treat the error as "reply unroutable" and keep the link. The embedded body is a view
 * into `bytes` (copy it if `bytes` is a transient read buffer).
 */
export function decodeAttach(bytes: Uint8Array): Attach {
  if (bytes.length === ATTACH_A_LENGTH) {
    return { type: u32(bytes, 0), handle: u32(bytes, 4), serviceType: u32(bytes, 8) };
  }
  if (bytes.length < ATTACH_B_HEADER_LENGTH) {
    throw new PduError('bad-attach', `${bytes.length} bytes: neither 12 (format A) nor at least 16 (format B)`);
  }
  const n = u32(bytes, 12);
  if (n !== bytes.length - ATTACH_B_HEADER_LENGTH) {
    throw new PduError('bad-attach', `format B announces ${n} body bytes but carries ${bytes.length - ATTACH_B_HEADER_LENGTH}`);
  }
  return { type: u32(bytes, 0), handle: u32(bytes, 4), serviceType: u32(bytes, 8), body: bytes.subarray(ATTACH_B_HEADER_LENGTH) };
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
}
