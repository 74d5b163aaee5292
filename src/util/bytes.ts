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
// Likewise: `Buffer` is a global, and a global load per PDU is not free either.
const allocUnsafe = Buffer.allocUnsafe;

/** dst[at, at + src.length) = src. */
export function copyInto(dst: Uint8Array, at: number, src: Uint8Array): void {
  u8Set.call(dst, src, at);
}

/** A new Buffer holding src[start, end): the copy a Conn keeps of bytes it was only lent. */
export function copyOut(src: Uint8Array, start: number, end: number): Buffer {
  const out = allocUnsafe(end - start);
  u8Set.call(out, u8Subarray.call(plainView(src), start, end), 0);
  return out;
}

// subarray() of a Buffer looks up Buffer[Symbol.species] (two generic property loads per call);
// of a plain Uint8Array it does not. The native transport lends the same read buffer on every
// call, so one plain view of the last source serves them all.
let viewOf: Uint8Array | undefined;
let view: Uint8Array = new Uint8Array(0);

function plainView(src: Uint8Array): Uint8Array {
  if (src !== viewOf) {
    view = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
    viewOf = src;
  }
  return view;
}
