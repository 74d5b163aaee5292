import { PduError } from '../../pdu/PduError';

/**
 * Bodies up to this size are decoded whole on the I/O thread to find their work key (and caught
 * there if malformed). Larger ones are skimmed: a 64 MiB user list took the I/O thread about a
 * second to decode, during which no other link was served (db_proxy.md §8 "other links are
 * unaffected"). Chat traffic stays far below this; audio messages may not, and skim correctly.
 */
export const SKIM_ABOVE = 64 * 1024;

/** Length-delimited fields longer than this are cut to empty in the skim. */
const KEEP_BYTES_UP_TO = 1024;

/**
 * A small stand-in for a large protobuf body, enough to compute its work key: one pass over the
 * top-level fields that copies, per field number, only the first and the last occurrence (protobuf
 * keeps the last value of a singular field; a key reads at most the first element of a repeated
 * one), and empties length-delimited fields over 1 KiB (no key reads a long string, bytes or
 * nested message). Every command's key reads top-level scalars only, so the skim decodes to the
 * same key as the whole body, except for a key read from a field over 1 KiB (a packed id list, a
 * login name): that becomes its empty form (`u0`, `n`), harmless for such absurd bodies. Cost: one
 * scan of the tags (about 100 ms for 64 MiB of ids), no allocation per field, no decoding.
 *
 * Throws PduError('bad-protobuf') when the top level is not protobuf wire format: that body is
 * garbage, as decodeBody would have said. The skim may fail to decode where the body would not
 * (an emptied nested message missing its required fields); the caller then uses a fixed key.
 */
export function skimBody(body: Uint8Array, cid: number): Uint8Array {
  // Per field number: [firstStart, firstEnd, lastStart, lastEnd] (-1: none). No allocation per
  // field: a 64 MiB list has some 13 million of them.
  const spans = new Map<number, number[]>();
  const cut = new Set<number>(); // start offsets of pieces whose payload is dropped
  let pos = 0;
  let prevField = -1;
  let span: number[] = [];
  const n = body.length;
  while (pos < n) {
    const start = pos;
    // One-byte tags (field numbers up to 15) are the rule: read them inline.
    const t = body[pos]!;
    if (t < 0x80) { scratch = t; pos++; } else pos = varint(body, pos, cid);
    const field = Math.floor(scratch / 8);
    const wire = scratch & 7;
    if (wire === 0) {
      while (pos < n && body[pos]! >= 0x80) pos++;
      pos++;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      pos = varint(body, pos, cid);
      if (scratch > KEEP_BYTES_UP_TO) cut.add(start);
      pos += scratch;
    } else throw bad(cid, `wire type ${wire}`);
    if (pos > n) throw bad(cid, 'truncated field');
    // A repeated field's entries come in a run: no lookup while the field number stays the same.
    if (field !== prevField) {
      if (field === 0) throw bad(cid, 'field number 0');
      prevField = field;
      const known = spans.get(field);
      if (!known) { span = [start, pos, -1, -1]; spans.set(field, span); continue; }
      span = known;
    }
    span[2] = start; span[3] = pos;
  }
  const pieces: Array<[number, number]> = [];
  for (const [s0, e0, s1, e1] of spans.values()) {
    pieces.push([s0!, e0!]);
    if (s1! >= 0) pieces.push([s1!, e1!]);
  }
  pieces.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [s, e] of pieces) {
    if (!cut.has(s)) { for (let i = s; i < e; i++) out.push(body[i]!); continue; }
    // The tag, then length 0.
    const tagEnd = varint(body, s, cid);
    for (let i = s; i < tagEnd; i++) out.push(body[i]!);
    out.push(0);
  }
  return Uint8Array.from(out);
}

function bad(cid: number, what: string): PduError {
  return new PduError('bad-protobuf', `skimming a large body: ${what}`, cid);
}

/** The value of the last varint read (only its low 35 bits: tags and lengths fit 32). */
let scratch = 0;

/** Read a varint at `pos` into `scratch`; returns the offset after it. */
function varint(b: Uint8Array, pos: number, cid: number): number {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= b.length) throw bad(cid, 'truncated varint');
    const byte = b[pos + i]!;
    if (i < 5) value += (byte & 0x7f) * mul;
    mul *= 128;
    if (byte < 0x80) { scratch = value; return pos + i + 1; }
  }
  throw bad(cid, 'varint longer than 10 bytes');
}
