// attach_data, protocol.md §3.6: both formats round-trip, anything else is PduError('bad-attach').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AttachType, decodeAttach, encodeAttach } from '../../src/pdu/attach';
import { PduError } from '../../src/pdu/PduError';

test('format A: 12 bytes as the original msg_server writes them (fixture login.internal)', () => {
  const bytes = encodeAttach({ type: AttachType.HANDLE, handle: 16, serviceType: 0 });
  assert.equal(bytes.toString('hex'), '000000010000001000000000');
  assert.deepEqual(decodeAttach(bytes), { type: 1, handle: 16, serviceType: 0 });
});

test('format B with an empty body: 16 bytes (the route_server link, fixture users_status.internal)', () => {
  const bytes = encodeAttach({ type: AttachType.HANDLE, handle: 16, serviceType: 0, body: Buffer.alloc(0) });
  assert.equal(bytes.toString('hex'), '00000001000000100000000000000000');
  const a = decodeAttach(bytes);
  assert.equal(a.handle, 16);
  assert.equal(a.body?.length, 0);
});

test('format B carries an embedded body', () => {
  const body = Buffer.from('0801100218', 'hex');
  const bytes = encodeAttach({ type: AttachType.HANDLE_AND_PDU, handle: 0xfffffffe, serviceType: 0, body });
  assert.equal(bytes.toString('hex'), '00000003fffffffe0000000000000005' + '0801100218');
  const a = decodeAttach(bytes);
  assert.equal(a.type, 3);
  assert.equal(a.handle, 0xfffffffe);
  assert.deepEqual(Buffer.from(a.body!), body);
});

test('any other shape is bad-attach (the original dropped the whole link here)', () => {
  for (const h of ['', '00', '0000000100000010000000', '00000001000000100000000000', '00000001000000100000000000000001', '00000001000000100000000000000002ff']) {
    assert.throws(() => decodeAttach(Buffer.from(h, 'hex')), (e: unknown) => e instanceof PduError && e.reason === 'bad-attach', h);
  }
});

test('property: encode/decode round-trip; random bytes give an Attach or bad-attach, nothing else', () => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  fc.assert(fc.property(u32, u32, u32, fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }), (type, handle, serviceType, body) => {
    const a = decodeAttach(encodeAttach({ type, handle, serviceType, body }));
    assert.equal(a.type, type); assert.equal(a.handle, handle); assert.equal(a.serviceType, serviceType);
    assert.deepEqual(a.body === undefined ? undefined : Buffer.from(a.body), body === undefined ? undefined : Buffer.from(body));
  }), { numRuns: 300 });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 48 }), (bytes) => {
    try { decodeAttach(bytes); } catch (e) { assert.ok(e instanceof PduError && e.reason === 'bad-attach'); }
  }), { numRuns: 500 });
});
