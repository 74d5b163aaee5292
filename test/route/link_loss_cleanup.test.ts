// servers.md §5.8 with the Rewrite of §6.8: when a msg_server link goes away its terminals leave the
// table, and the users who thereby lost their last PC are announced offline to the remaining links
// (the original stayed silent and kept stale counts).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { nowMs } from '../../src/util/clock';
import { RouteHarness, describeNotify, WINDOWS, MAC, IOS, ANDROID, ONLINE, OFFLINE } from './support/routeHarness';

test('a link closing removes its users and announces lost PC users to the others', async () => {
  const h = await RouteHarness.start();
  after(() => h.stop());
  const a = await h.peer();
  const b = await h.peer();
  h.onlineInfo(a, [[10, ONLINE, WINDOWS], [11, ONLINE, ANDROID], [12, ONLINE, MAC], [13, ONLINE, WINDOWS]]);
  h.onlineInfo(b, [[12, ONLINE, IOS], [13, ONLINE, WINDOWS], [14, ONLINE, WINDOWS]]);
  await h.settle();
  assert.equal(h.server.hub.links.size, 2);
  assert.deepEqual([...await h.query(b, [10, 11, 12, 13, 14])], [[10, ONLINE], [11, OFFLINE], [12, ONLINE], [13, ONLINE], [14, ONLINE]]);

  a.close();
  // The close reaches route_server asynchronously; wait until the link is gone.
  for (let i = 0; i < 200 && h.server.hub.links.size > 1; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(h.server.hub.links.size, 1);
  await h.barrier(b);
  const heard = b.drain().map((r) => describeNotify(r.header.commandId, r.body)).sort();
  assert.deepEqual(heard, ['buddy u10=offline', 'buddy u12=offline', 'pc-login u12=0'].sort());

  const users = h.server.hub.users;
  assert.equal(users.has(10), false);
  assert.equal(users.has(11), false);
  assert.deepEqual([...users.typeCounts(12)], [[IOS, 1]]);
  assert.deepEqual([...users.typeCounts(13)], [[WINDOWS, 1]], 'only the surviving link\'s terminal is counted');
  assert.deepEqual([...await h.query(b, [10, 11, 12, 13, 14])], [[10, OFFLINE], [11, OFFLINE], [12, OFFLINE], [13, ONLINE], [14, ONLINE]]);

  // The survivor's users still behave normally: 13's last PC leaving is announced.
  h.status(b, 13, OFFLINE, WINDOWS);
  await h.settle();
  assert.deepEqual(b.drain().map((r) => describeNotify(r.header.commandId, r.body)), ['buddy u13=offline']);
  assert.equal(users.has(13), false);
});

test('a link silent for 30 s is closed and cleaned up the same way; idle links get heartbeats', async () => {
  const h = await RouteHarness.start();
  after(() => h.stop());
  const a = await h.peer();
  const b = await h.peer();
  h.status(a, 20, ONLINE, WINDOWS);
  await h.settle();
  a.drain(); b.drain();
  // 6 s later nothing was sent on either link: both get CID_OTHER_HEARTBEAT (seq 0, empty body).
  h.server.ticker.tick(nowMs() + 6_000);
  for (const p of [a, b]) {
    const hb = await p.next(0x0701);
    assert.equal(hb.frame.toString('hex'), '00000010000100000007070100000000');
  }
  // b keeps talking, a does not: at +31 s only a is closed, and b hears that user 20 went offline.
  const later = nowMs() + 31_000;
  for (const l of h.server.hub.links) if (l.peerPort === b.socket.localPort) l.lastRecv = later;
  h.server.ticker.tick(later);
  await a.closedByServer();
  await h.barrier(b);
  assert.deepEqual(b.drain().map((r) => describeNotify(r.header.commandId, r.body)), ['buddy u20=offline']);
  assert.equal(h.server.hub.links.size, 1);
});
