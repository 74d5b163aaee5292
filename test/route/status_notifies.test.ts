// servers.md §5.4: which notifies a status update produces, sent to every link (originator included).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { RouteHarness, describeNotify, WINDOWS, MAC, IOS, ANDROID, ONLINE, OFFLINE } from './support/routeHarness';
import type { PduPeer } from './support/PduPeer';

let h: RouteHarness;
let a: PduPeer;
let b: PduPeer;
before(async () => { h = await RouteHarness.start(); a = await h.peer(); b = await h.peer(); });
after(() => h.stop());

/** Send updates from `from`, then return what each link received (as readable lines). */
async function step(from: PduPeer, updates: Array<[user: number, status: number, type: number]>): Promise<{ a: string[]; b: string[] }> {
  for (const [u, s, t] of updates) h.status(from, u, s, t);
  await h.settle();
  const lines = (p: PduPeer) => p.drain().map((r) => describeNotify(r.header.commandId, r.body));
  return { a: lines(a), b: lines(b) };
}

test('PC login: PC login status 1 then buddy online, to every link', async () => {
  const got = await step(a, [[1, ONLINE, WINDOWS]]);
  assert.deepEqual(got.a, ['pc-login u1=1', 'buddy u1=online']);
  assert.deepEqual(got.b, got.a);
});

test('mobile login while a PC is online re-announces PC login status only', async () => {
  const got = await step(b, [[1, ONLINE, ANDROID]]);
  assert.deepEqual(got.a, ['pc-login u1=1']);
  assert.deepEqual(got.b, ['pc-login u1=1']);
});

test('mobile login of a user without a PC produces nothing', async () => {
  const got = await step(a, [[2, ONLINE, IOS]]);
  assert.deepEqual(got, { a: [], b: [] });
  assert.equal((await h.query(a, [2])).get(2), OFFLINE, 'mobile-only users are offline to status queries');
});

test('a second PC announces again; its logout while another PC remains is silent', async () => {
  assert.deepEqual((await step(a, [[1, ONLINE, MAC]])).a, ['pc-login u1=1', 'buddy u1=online']);
  assert.deepEqual(await step(a, [[1, OFFLINE, MAC]]), { a: [], b: [] });
  assert.equal((await h.query(b, [1])).get(1), ONLINE);
});

test('last PC logout with a phone left: PC login status 0 and buddy offline', async () => {
  const got = await step(a, [[1, OFFLINE, WINDOWS]]);
  assert.deepEqual(got.a, ['pc-login u1=0', 'buddy u1=offline']);
  assert.deepEqual(got.b, got.a);
});

test('mobile logout is silent; the last terminal leaving removes the user', async () => {
  assert.deepEqual(await step(b, [[1, OFFLINE, ANDROID]]), { a: [], b: [] });
  assert.equal(h.server.hub.users.has(1), false);
});

test('last terminal (a PC) leaving: buddy offline only, no PC login status', async () => {
  await step(a, [[3, ONLINE, WINDOWS]]);
  const got = await step(a, [[3, OFFLINE, WINDOWS]]);
  assert.deepEqual(got.a, ['buddy u3=offline']);
  assert.deepEqual(got.b, ['buddy u3=offline']);
});

test('CID_OTHER_ONLINE_USER_INFO fills the table silently', async () => {
  h.onlineInfo(b, [[4, ONLINE, WINDOWS], [5, ONLINE, ANDROID], [4, 3, IOS]]);
  await h.settle();
  assert.deepEqual(a.drain(), []);
  assert.deepEqual(b.drain(), []);
  const st = await h.query(a, [4, 5, 6]);
  assert.deepEqual([...st], [[4, ONLINE], [5, OFFLINE], [6, OFFLINE]]);
  assert.deepEqual(new Map(h.server.hub.users.typeCounts(4)), new Map([[WINDOWS, 1], [IOS, 1]]));
});
