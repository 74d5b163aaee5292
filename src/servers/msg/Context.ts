/**
 * msg_server's context in attach_data (protocol.md §3.6): the way a reply from db_proxy,
 * route_server or file_server finds the client connection it belongs to.
 *
 *   Format A (12 bytes):     type u32 BE | handle u32 BE | service type u32 BE (0)
 *   Format B (16 + N bytes): the same three, then N u32 BE, then N bytes of an embedded body
 *
 * The handle is msg_server's own connection counter, never a descriptor, so a reply cannot reach
 * a newer connection that reused an fd (servers.md §4.5 Rewrite). A context that does not parse
 * is an unroutable reply: parseContext returns undefined and the caller drops the reply with a
 * log line; the original threw and closed the whole link (protocol.md §3.6, Original bug).
 */

export const CTX_HANDLE = 1;
/** Group message fan-out: the handle of the sending connection + the IMMsgData body. */
export const CTX_GROUP_MSG = 3;
/** Push decision: an IMPushToUserReq body waiting for the receiver's status. */
export const CTX_PUSH = 4;
/** File transfer decision: the sender's handle + an IMFileTransferReq body. */
export const CTX_FILE = 5;

export interface Context {
  type: number;
  handle: number;
  /** Embedded body of Format B; undefined for Format A (and for B with N = 0). */
  body: Buffer | undefined;
}

/** Format A: type 1, handle, 0. */
export function handleContext(handle: number): Buffer {
  const b = Buffer.allocUnsafe(12);
  b.writeUInt32BE(CTX_HANDLE, 0);
  b.writeUInt32BE(handle >>> 0, 4);
  b.writeUInt32BE(0, 8);
  return b;
}

/** Format B with an embedded body (N = 0 when body is empty). */
export function bodyContext(type: number, handle: number, body: Uint8Array = EMPTY): Buffer {
  const b = Buffer.allocUnsafe(16 + body.length);
  b.writeUInt32BE(type, 0);
  b.writeUInt32BE(handle >>> 0, 4);
  b.writeUInt32BE(0, 8);
  b.writeUInt32BE(body.length, 12);
  b.set(body, 16);
  return b;
}

export function parseContext(bytes: Uint8Array | null | undefined): Context | undefined {
  if (!bytes || bytes.length < 12) return undefined;
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = b.readUInt32BE(0);
  const handle = b.readUInt32BE(4);
  if (b.length === 12) return { type, handle, body: undefined };
  if (b.length < 16) return undefined;
  const n = b.readUInt32BE(12);
  if (16 + n !== b.length) return undefined;
  return { type, handle, body: n === 0 ? undefined : b.subarray(16, 16 + n) };
}

const EMPTY = new Uint8Array(0);
