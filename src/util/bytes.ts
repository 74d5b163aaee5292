/**
 * Byte copies for the PDU hot path, through fixed references to the TypedArray builtins.
 *
 * Why not `buf.set(...)` / `buf.copy(...)`: in optimized code V8 does not inline the method
 * lookup on a Buffer receiver: each call first runs a generic property load (LoadIC), and
 * Buffer#copy adds a JS wrapper with its own. Once per PDU, with a thousand connections' worth of
 * cold caches in between, that was ~1 % of bench/echo's CPU. `fn.call(...)` on a constant builtin
 * compiles to a direct builtin call.
 */
const u8Set = Uint8Array.prototype.set;
const u8Subarray = Uint8Array.prototype.subarray;

/** dst[at, at + src.length) = src. */
export function copyInto(dst: Uint8Array, at: number, src: Uint8Array): void {
  u8Set.call(dst, src, at);
}

/** A new Buffer holding src[start, end): the copy a Conn keeps of bytes it was only lent. */
export function copyOut(src: Uint8Array, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  u8Set.call(out, u8Subarray.call(src, start, end), 0);
  return out;
}
