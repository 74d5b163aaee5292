// servers.md §5.3: the exact update algorithm of route_server's user table, and the derived status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserTable, isPcType } from '../../src/servers/route/UserTable';
import { WINDOWS, MAC, IOS, ANDROID, ONLINE, OFFLINE } from './support/routeHarness';

const L1 = { name: 'link1' };
const L2 = { name: 'link2' };

test('PC and mobile client types are told apart by bit 0x10', () => {
  assert.equal(isPcType(WINDOWS), true);
  assert.equal(isPcType(MAC), true);
  assert.equal(isPcType(IOS), false);
  assert.equal(isPcType(ANDROID), false);
});

test('an unknown user is created by an online update and ignored by an offline one', () => {
  const t = new UserTable<object>();
  assert.deepEqual(t.apply(L1, 7, OFFLINE, WINDOWS), { applied: false, exists: false, hasPc: false });
  assert.equal(t.has(7), false);
  assert.deepEqual(t.apply(L1, 7, ONLINE, WINDOWS), { applied: true, exists: true, hasPc: true });
  assert.deepEqual([...t.typeCounts(7)], [[WINDOWS, 1]]);
  assert.equal(t.status(7), ONLINE);
});

test('any status other than 2 counts as online (3 = leave included)', () => {
  const t = new UserTable<object>();
  t.apply(L1, 8, 3, MAC);
  assert.equal(t.status(8), ONLINE);
  assert.deepEqual([...t.typeCounts(8)], [[MAC, 1]]);
});

test('terminals of one type are counted, and the user leaves only with the last terminal', () => {
  const t = new UserTable<object>();
  t.apply(L1, 1, ONLINE, WINDOWS);
  t.apply(L1, 1, ONLINE, WINDOWS);
  t.apply(L1, 1, ONLINE, ANDROID);
  assert.deepEqual(new Map(t.typeCounts(1)), new Map([[WINDOWS, 2], [ANDROID, 1]]));
  t.apply(L1, 1, OFFLINE, WINDOWS);
  assert.deepEqual(new Map(t.typeCounts(1)), new Map([[WINDOWS, 1], [ANDROID, 1]]));
  assert.equal(t.status(1), ONLINE);
  t.apply(L1, 1, OFFLINE, WINDOWS);
  assert.deepEqual(new Map(t.typeCounts(1)), new Map([[ANDROID, 1]]));
  assert.equal(t.status(1), OFFLINE, 'mobile-only users are reported offline');
  assert.equal(t.has(1), true);
  const last = t.apply(L1, 1, OFFLINE, ANDROID);
  assert.deepEqual(last, { applied: true, exists: false, hasPc: false });
  assert.equal(t.has(1), false);
  assert.equal(t.size, 0);
});

test('an offline update for a type the link never reported changes no count', () => {
  const t = new UserTable<object>();
  t.apply(L1, 2, ONLINE, IOS);
  t.apply(L1, 2, OFFLINE, WINDOWS);
  assert.deepEqual([...t.typeCounts(2)], [[IOS, 1]]);
  assert.equal(t.has(2), true);
});

test('a second link joins the user set on online and is ignored on offline until it reported the user', () => {
  const t = new UserTable<object>();
  t.apply(L1, 3, ONLINE, WINDOWS);
  assert.deepEqual(t.apply(L2, 3, OFFLINE, WINDOWS), { applied: false, exists: true, hasPc: true });
  assert.deepEqual([...t.typeCounts(3)], [[WINDOWS, 1]], 'an offline from another link cannot remove L1\'s terminal');
  t.apply(L2, 3, ONLINE, ANDROID);
  assert.equal(t.linkCount(3), 2);
  assert.deepEqual(new Map(t.typeCounts(3)), new Map([[WINDOWS, 1], [ANDROID, 1]]));
  t.apply(L2, 3, OFFLINE, ANDROID);
  assert.equal(t.linkCount(3), 1, 'a link with no terminal left leaves the set');
  assert.equal(t.status(3), ONLINE);
});

test('removing a link drops its terminals only and reports the users who lost their last PC', () => {
  const t = new UserTable<object>();
  t.apply(L1, 10, ONLINE, WINDOWS); // PC only on L1 -> lost, gone
  t.apply(L1, 11, ONLINE, ANDROID); // mobile only -> gone, not reported
  t.apply(L1, 12, ONLINE, MAC);     // PC on L1, phone on L2 -> lost, still exists
  t.apply(L2, 12, ONLINE, IOS);
  t.apply(L1, 13, ONLINE, WINDOWS); // PC on both -> keeps PC, not reported
  t.apply(L2, 13, ONLINE, WINDOWS);
  const lost = t.removeLink(L1).sort((a, b) => a.userId - b.userId);
  assert.deepEqual(lost, [{ userId: 10, exists: false }, { userId: 12, exists: true }]);
  assert.equal(t.has(10), false);
  assert.equal(t.has(11), false);
  assert.deepEqual([...t.typeCounts(12)], [[IOS, 1]]);
  assert.deepEqual([...t.typeCounts(13)], [[WINDOWS, 1]], 'the departed link\'s terminal is not counted any more');
  assert.equal(t.status(12), OFFLINE);
  assert.equal(t.status(13), ONLINE);
  assert.deepEqual(t.removeLink(L1), [], 'removing twice is harmless');
});

test('a reconnected msg_server does not leave doubled counts behind when its old link goes', () => {
  const t = new UserTable<object>();
  t.apply(L1, 20, ONLINE, WINDOWS);   // old link
  t.apply(L2, 20, ONLINE, WINDOWS);   // same terminal re-announced by CID_OTHER_ONLINE_USER_INFO on the new link
  t.removeLink(L1);                   // old link times out
  t.apply(L2, 20, OFFLINE, WINDOWS);  // the terminal logs out
  assert.equal(t.has(20), false);
  assert.equal(t.status(20), OFFLINE);
});
