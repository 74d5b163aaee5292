// HandlerTable: handlers found by 16-bit command id (an array indexed by id, not a Map).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HandlerTable } from '../../src/net/HandlerTable';

describe('HandlerTable', () => {
  const a = (): void => {};
  const b = (): void => {};

  it('finds each handler by its command id and nothing for the others', () => {
    const t = new HandlerTable<object>([[0x0103, a], [0x0b02, b]]);
    assert.equal(t.get(0x0103), a);
    assert.equal(t.get(0x0b02), b);
    for (const cid of [0, 0x0102, 0x0104, 0x0b01, 0x0b03, 0xffff, 0x10000, -1, 1.5]) assert.equal(t.get(cid), undefined, `cid ${cid}`);
    assert.deepEqual(t.commands(), [0x0103, 0x0b02]);
  });

  it('refuses a second handler for one command and ids that are not 16-bit', () => {
    const t = new HandlerTable<object>([[0x0701, a]]);
    assert.throws(() => t.on(0x0701, b), /0x701 registered twice/);
    assert.throws(() => t.on(0x10000, b), /not a 16-bit integer/);
    assert.throws(() => t.on(-1, b), /not a 16-bit integer/);
    assert.equal(t.get(0x0701), a);
  });
});
