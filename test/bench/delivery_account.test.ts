import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countMissing, IntSet, rangesSize } from '../../bench/suite/IntSet';
import { accountDeliveries } from '../../bench/suite/DeliveryAccount';
import type { WorkerReport } from '../../bench/suite/types';

test('IntSet keeps out-of-order numbers, spots duplicates and exports ranges', () => {
  const s = new IntSet();
  for (const v of [1, 2, 5, 3, 7, 6]) assert.equal(s.add(v), true);
  assert.equal(s.add(5), false);
  assert.equal(s.add(1), false);
  assert.deepEqual(s.toRanges(), [[1, 3], [5, 7]]);
  assert.equal(s.size, 6);
  assert.ok(s.has(6) && !s.has(4));
  s.add(4);
  assert.deepEqual(s.toRanges(), [[1, 7]]);
  assert.deepEqual(IntSet.fromRanges([[2, 4], [9, 9]]).toRanges(), [[2, 4], [9, 9]]);
});

test('countMissing counts what a has and b lacks', () => {
  assert.equal(countMissing([[1, 10]], [[1, 10]]), 0);
  assert.equal(countMissing([[1, 10]], []), 10);
  assert.equal(countMissing([[1, 10]], [[2, 3], [5, 5], [9, 20]]), 5); // 1, 4, 6, 7, 8
  assert.equal(countMissing([[1, 3], [7, 9]], [[2, 8]]), 2);
  assert.equal(rangesSize([[1, 3], [7, 9]]), 6);
});

function report(p: Partial<WorkerReport>): WorkerReport {
  return { worker: 0, acked: [], received: [], unacked: 0, groups: [], servers: {}, userServer: {}, errors: [], ...p };
}

test('one-to-one: a message acked but missing at the peer is counted, across workers', () => {
  const r1 = report({
    acked: [{ from: 10, session: 11, group: false, sent: 5, ranges: [[1, 4]] }],
    userServer: { 10: '127.0.0.1:8000' },
  });
  const r2 = report({
    received: [{ to: 11, from: 10, session: 10, ranges: [[1, 2], [4, 5]] }],
    userServer: { 11: '127.0.0.1:8001' },
  });
  const a = accountDeliveries([r1, r2]);
  assert.equal(a.sent, 5);
  assert.equal(a.acked, 4);
  assert.equal(a.lost, 1);
  assert.equal(a.ackedNotDelivered, 1, 'message 3');
  assert.equal(a.deliveredNotAcked, 1, 'message 5 arrived but its ack did not');
  assert.equal(a.crossServerSenders, 1);
});

test('group: every member but the sender must receive every acked message', () => {
  const r = report({
    acked: [{ from: 1, session: 500, group: true, sent: 3, ranges: [[1, 3]] }],
    groups: [{ gid: 500, senderUid: 1, memberUids: [1, 2, 3, 4] }],
    received: [
      { to: 2, from: 1, session: 500, ranges: [[1, 3]] },
      { to: 3, from: 1, session: 500, ranges: [[1, 1], [3, 3]] },
    ],
  });
  const a = accountDeliveries([r]);
  assert.equal(a.expectedDeliveries, 9);
  assert.equal(a.delivered, 5);
  assert.equal(a.ackedNotDelivered, 4, 'one missing at member 3, all three at member 4');
  assert.equal(a.lost, 0);
});
