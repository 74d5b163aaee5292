// Bad input from one link closes that link with a log line and nothing else (protocol.md §1.5
// Rewrite); the other links and the user table are unaffected, and garbage is never relayed.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { encodeFrame } from '../../src/pdu/Pdu';
import { RouteHarness, WINDOWS, ONLINE } from './support/routeHarness';
import type { PduPeer } from './support/PduPeer';

let h: RouteHarness;
let good: PduPeer;
before(async () => {
  h = await RouteHarness.start();
  good = await h.peer();
  h.status(good, 1, ONLINE, WINDOWS);
  await h.settle();
  good.drain();
});
after(() => h.stop());

async function expectOnlyThatLinkClosed(bad: PduPeer): Promise<void> {
  await bad.closedByServer();
  assert.equal((await h.query(good, [1])).get(1), ONLINE, 'the other link and the table are untouched');
  assert.deepEqual(good.drain(), [], 'nothing reached the other link');
}

const cases: Array<[string, Buffer]> = [
  ['a length field below 16', Buffer.from('0000000a000100000007070100000000', 'hex')],
  ['a length field above the 64 MiB link maximum', Buffer.from('04000001000100000007070100000000', 'hex')],
  ['a status update that is not protobuf', encodeFrame(Cid.CID_OTHER_USER_STATUS_UPDATE, Buffer.from('ffffffffff', 'hex'))],
  ['a status update missing required fields', encodeFrame(Cid.CID_OTHER_USER_STATUS_UPDATE, Buffer.from('0801', 'hex'))],
  ['an online user list with a client type outside the enum', encodeFrame(Cid.CID_OTHER_ONLINE_USER_INFO, Buffer.from('0a06080110011863', 'hex'))],
  ['a users status request that is truncated', encodeFrame(Cid.CID_BUDDY_LIST_USERS_STATUS_REQUEST, Buffer.from('0801a20110', 'hex'))],
  ['a relayed message that is not protobuf', encodeFrame(Cid.CID_MSG_DATA, Buffer.from('0f0f0f', 'hex'))],
  ['a relayed notify with a length running past the body', encodeFrame(Cid.CID_FILE_NOTIFY, Buffer.from('2a7f41', 'hex'))],
];

for (const [name, frame] of cases) {
  test(`${name} closes only the link that sent it`, async () => {
    const bad = await h.peer();
    bad.sendRaw(frame);
    await expectOnlyThatLinkClosed(bad);
  });
}

test('an unknown command is logged and dropped; the link stays open', async () => {
  const odd = await h.peer();
  odd.sendRaw(encodeFrame(0x0799, Buffer.alloc(0)));
  odd.sendRaw(encodeFrame(Cid.CID_MSG_LIST_REQUEST, Buffer.from('0801', 'hex')));
  await h.barrier(odd);
  assert.equal(odd.isEnded, false);
  await h.settle();
  assert.deepEqual(good.drain(), []);
  odd.close();
});

test('a frame split across many reads is reassembled', async () => {
  const slow = await h.peer();
  const frame = encodeFrame(Cid.CID_OTHER_USER_STATUS_UPDATE, Buffer.from('080110071801', 'hex'));
  for (const byte of frame) { slow.sendRaw(Buffer.from([byte])); await new Promise((r) => setTimeout(r, 1)); }
  assert.equal((await h.query(slow, [7])).get(7), ONLINE);
  slow.close();
});
