// servers.md §5.7: CID_BUDDY_LIST_USERS_STATUS_REQUEST is answered on the same link only, with the
// request's seq and user_id, one entry per requested id in order, attach_data echoed byte for byte.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { decodeBody, encodeBody, has } from '../../src/pdu/codec';
import { loadScenario } from '../fixtures/loadFixtures';
import { RouteHarness, WINDOWS, ANDROID, ONLINE, OFFLINE } from './support/routeHarness';
import type { PduPeer } from './support/PduPeer';

let h: RouteHarness;
let a: PduPeer;
let b: PduPeer;
before(async () => {
  h = await RouteHarness.start();
  a = await h.peer();
  b = await h.peer();
  h.status(a, 2, ONLINE, WINDOWS);
  h.status(b, 5, ONLINE, ANDROID);
  await h.settle();
  a.drain(); b.drain();
});
after(() => h.stop());

test('statuses in request order, duplicates and unknown ids included; attach echoed; same link only', async () => {
  const attach = Buffer.from('000000040000002a0000000000000005deadbeef', 'hex');
  a.send(Cid.CID_BUDDY_LIST_USERS_STATUS_REQUEST, encodeBody(IM.Buddy.IMUsersStatReq, { userId: 77, userIdList: [5, 2, 999, 2], attachData: attach }), { seq: 4242 });
  const rsp = await a.next(Cid.CID_BUDDY_LIST_USERS_STATUS_RESPONSE);
  assert.equal(rsp.header.seq, 4242);
  assert.equal(rsp.header.serviceId, 2);
  const body = decodeBody(IM.Buddy.IMUsersStatRsp, rsp.body);
  assert.equal(body.userId, 77);
  assert.deepEqual(body.userStatList.map((s) => [s.userId, s.status]), [[5, OFFLINE], [2, ONLINE], [999, OFFLINE], [2, ONLINE]]);
  assert.equal(Buffer.from(body.attachData).toString('hex'), attach.toString('hex'));
  await h.settle();
  assert.deepEqual(b.drain(), [], 'the other link hears nothing');
});

test('a request without attach_data gets an answer without it', async () => {
  b.send(Cid.CID_BUDDY_LIST_USERS_STATUS_REQUEST, encodeBody(IM.Buddy.IMUsersStatReq, { userId: 1, userIdList: [2] }), { seq: 9 });
  const rsp = await b.next(Cid.CID_BUDDY_LIST_USERS_STATUS_RESPONSE);
  const body = decodeBody(IM.Buddy.IMUsersStatRsp, rsp.body);
  assert.equal(has(body, 'attachData'), false);
  assert.deepEqual(body.userStatList.map((s) => [s.userId, s.status]), [[2, ONLINE]]);
});

test('the fixture request gets the fixture answer byte for byte (users_status)', async () => {
  const entries = loadScenario('users_status').internal.filter((e) => e.link.endsWith('<->route_server'));
  const req = entries.find((e) => e.dir === 'c2s')!;
  const want = entries.find((e) => e.dir === 's2c')!;
  // In the capture bob (2) was online on a PC and carol (3) was not logged in.
  a.sendRaw(req.bytes);
  const rsp = await a.next(Cid.CID_BUDDY_LIST_USERS_STATUS_RESPONSE);
  assert.equal(rsp.frame.toString('hex'), want.hex);
});
