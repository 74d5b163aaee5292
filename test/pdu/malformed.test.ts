// Property tests: random, truncated, oversize and field-shaped garbage fed to readHeader, decodePdu and
// decodeBody. The only exception that may ever come out is PduError, and nothing hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Writer } from 'protobufjs';
import { IM } from '../../src/pdu/gen/im';
import type { AnyBodyType } from '../../src/pdu/BodyType';
import { allCommands } from '../../src/pdu/commands';
import { decodeBody, decodePdu, encodeBody } from '../../src/pdu/codec';
import { HEADER_LENGTH, readHeader, writeHeader } from '../../src/pdu/header';
import { encodeFrame } from '../../src/pdu/Pdu';
import { PduError, PduErrorReason } from '../../src/pdu/PduError';
import { allPduEntries } from '../fixtures/loadFixtures';

const LIMIT = { timeout: 60_000 };
const MAX = 4 * 1024 * 1024;

/** Run f; succeed quietly, or require a PduError (with one of `reasons` when given). */
function onlyPduError(f: () => unknown, reasons?: PduErrorReason[]): PduError | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    assert.ok(e instanceof PduError, `not a PduError: ${e instanceof Error ? e.stack : String(e)}`);
    if (reasons) assert.ok(reasons.includes(e.reason), `unexpected reason ${e.reason}`);
    return e;
  }
}

// Every body type of the schema: the command table's plus the shared IM.BaseDefine types.
const bodyTypes: AnyBodyType[] = [...new Set<AnyBodyType>([
  ...allCommands().map((c) => c.bodyType),
  ...(Object.values(IM.BaseDefine) as unknown[]).filter((v): v is AnyBodyType => typeof v === 'function'),
])];

/** Protobuf-shaped garbage: plausible tags (fields 1..21, every wire type) with random payloads. */
const wireFields = fc.array(fc.record({
  field: fc.integer({ min: 1, max: 21 }),
  wireType: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7),
  varint: fc.integer({ min: 0, max: 0xffffffff }),
  bytes: fc.uint8Array({ maxLength: 40 }),
}), { maxLength: 12 });

function encodeWireFields(fields: Array<{ field: number; wireType: number; varint: number; bytes: Uint8Array }>): Uint8Array {
  const w = Writer.create();
  for (const f of fields) {
    w.uint32(((f.field << 3) | f.wireType) >>> 0);
    if (f.wireType === 0) w.uint32(f.varint);
    else if (f.wireType === 1) w.fixed64(f.varint);
    else if (f.wireType === 2) w.bytes(f.bytes);
    else if (f.wireType === 5) w.fixed32(f.varint);
    // 3/4 (groups) and 6/7 (invalid): the tag alone
  }
  return w.finish();
}

test('readHeader: random bytes at random offsets give a sane header or a PduError', LIMIT, () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(40), fc.integer({ min: 0, max: 0xffffffff }), (buf, off, max) => {
    const offset = Math.min(off, buf.length);
    let h: ReturnType<typeof readHeader> | undefined;
    const err = onlyPduError(() => { h = readHeader(buf, offset, max); }, ['short-header', 'length-too-small', 'length-too-large']);
    if (err === undefined) {
      assert.ok(h!.length >= HEADER_LENGTH && h!.length <= max);
    } else if (buf.length - offset < HEADER_LENGTH) {
      assert.equal(err.reason, 'short-header');
    }
  }), { numRuns: 3000 });
});

test('readHeader: oversize and undersize length fields are refused', LIMIT, () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: HEADER_LENGTH, max: MAX }), (length, max) => {
    const buf = Buffer.alloc(HEADER_LENGTH);
    buf.writeUInt32BE(length, 0);
    const err = onlyPduError(() => readHeader(buf, 0, max));
    if (length < HEADER_LENGTH) assert.equal(err?.reason, 'length-too-small');
    else if (length > max) assert.equal(err?.reason, 'length-too-large');
    else assert.equal(err, undefined);
  }), { numRuns: 2000 });
});

test('decodeBody: random bytes for every one of the schema types', LIMIT, () => {
  assert.equal(bodyTypes.length, 110);
  for (const type of bodyTypes) {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
      onlyPduError(() => decodeBody(type, bytes), ['bad-protobuf']);
    }), { numRuns: 150 });
  }
});

test('decodeBody: protobuf-shaped garbage for every one of the schema types', LIMIT, () => {
  for (const type of bodyTypes) {
    fc.assert(fc.property(wireFields, (fields) => {
      onlyPduError(() => decodeBody(type, encodeWireFields(fields)), ['bad-protobuf']);
    }), { numRuns: 150 });
  }
});

test('decodeBody: deep group nesting is refused, not a stack overflow', LIMIT, () => {
  // start-group tags of an unknown field (30), nested 100k deep: skipType recurses per level
  const deep = Buffer.alloc(200_000);
  for (let i = 0; i < deep.length; i += 2) { deep[i] = 0xf3; deep[i + 1] = 0x01; }
  onlyPduError(() => decodeBody(IM.Message.IMMsgData, deep), ['bad-protobuf']);
  onlyPduError(() => decodeBody(IM.Other.IMHeartBeat, deep), ['bad-protobuf']);
});

// Real PDUs from the transcripts, cut short or altered.
const fixtureFrames = allPduEntries().map((e) => e.bytes);

test('decodePdu: every truncation of every fixture PDU is a PduError', LIMIT, () => {
  assert.ok(fixtureFrames.length > 0);
  for (const frame of fixtureFrames) {
    for (let cut = 0; cut < frame.length; cut++) {
      onlyPduError(() => decodePdu(frame.subarray(0, cut)), ['short-header', 'short-body']) ?? assert.fail(`cut ${cut} accepted`);
    }
  }
});

test('decodePdu: fixture bodies truncated with a matching length field decode or fail with bad-protobuf', LIMIT, () => {
  for (const frame of fixtureFrames) {
    for (let cut = HEADER_LENGTH; cut < frame.length; cut++) {
      const f = Buffer.from(frame.subarray(0, cut));
      f.writeUInt32BE(cut, 0);
      onlyPduError(() => decodePdu(f), ['bad-protobuf']);
    }
  }
});

test('decodePdu: fixture PDUs with random byte flips give a PDU or a PduError', LIMIT, () => {
  fc.assert(fc.property(fc.constantFrom(...fixtureFrames), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (frame, flips) => {
    const f = Buffer.from(frame);
    for (const [pos, v] of flips) f[pos % f.length] = v;
    onlyPduError(() => decodePdu(f, MAX));
  }), { numRuns: 3000 });
});

test('decodePdu: random frames with known command ids and random bodies', LIMIT, () => {
  const cids = allCommands().map((c) => c.commandId);
  fc.assert(fc.property(fc.constantFrom(...cids), fc.oneof(fc.uint8Array({ maxLength: 80 }), wireFields.map(encodeWireFields)), fc.nat(0xffff), (cid, body, seq) => {
    onlyPduError(() => decodePdu(encodeFrame(cid, body, { seq })), ['bad-protobuf']);
  }), { numRuns: 3000 });
});

test('decodePdu: random headers (any service/command/length) give a PDU or a PduError', LIMIT, () => {
  fc.assert(fc.property(fc.nat(0xffff), fc.nat(0xffff), fc.uint8Array({ maxLength: 64 }), fc.integer({ min: -4, max: 4 }), (sid, cid, body, skew) => {
    const frame = Buffer.alloc(HEADER_LENGTH + body.length);
    writeHeader(frame, 0, { length: Math.max(0, HEADER_LENGTH + body.length + skew), version: 1, flag: 0, serviceId: sid, commandId: cid, seq: 0, reserved: 0 });
    frame.set(body, HEADER_LENGTH);
    onlyPduError(() => decodePdu(frame, MAX));
  }), { numRuns: 3000 });
});

test('decodePdu: a length field beyond the maximum is refused before the body is looked at', () => {
  const frame = encodeFrame(0x0701, encodeBody(IM.Other.IMHeartBeat, {}));
  frame.writeUInt32BE(0xffffffff, 0);
  assert.equal(onlyPduError(() => decodePdu(frame, MAX))?.reason, 'length-too-large');
});
