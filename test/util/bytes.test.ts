// copyOut/copyInto: the hot-path copies Conn and the write arena use (src/util/bytes.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyInto, copyOut } from '../../src/util/bytes';

describe('bytes', () => {
  it('copyOut returns an independent copy of the range, whichever source came last', () => {
    const a = Buffer.from('0123456789');
    const b = Buffer.from('abcdefghij').subarray(2); // a view with a non-zero byteOffset
    const pool = [copyOut(a, 2, 5), copyOut(b, 1, 4), copyOut(a, 0, 3), copyOut(b, 0, 0)];
    assert.deepEqual(pool.map((x) => x.toString()), ['234', 'def', '012', '']);
    assert.ok(Buffer.isBuffer(pool[0]));
    a.fill(0x78); b.fill(0x79); // the lender reuses its buffer
    assert.deepEqual(pool.map((x) => x.toString()), ['234', 'def', '012', '']);
  });

  it('copyInto writes at the offset and nowhere else', () => {
    const dst = Buffer.alloc(8, 0x2e);
    copyInto(dst, 3, Buffer.from('xyz'));
    copyInto(dst, 0, new Uint8Array([0x41]));
    assert.equal(dst.toString(), 'A..xyz..');
    assert.throws(() => copyInto(dst, 7, Buffer.from('ab')), RangeError);
  });
});
