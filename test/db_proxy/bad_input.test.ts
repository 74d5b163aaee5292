import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { encodeFrame } from '../../src/pdu/Pdu';
import { startDbProxy, Harness } from './support/harness';
import { unreadCount } from './support/requests';

let h: Harness;
before(async () => { h = await startDbProxy(); });
after(async () => { await h.close(); });

const alive = async (link = h.link): Promise<void> => {
  assert.equal((await unreadCount(link, 1)).userId, 1);
};

test('an unknown command and a client-only command are ignored; the link stays open', async () => {
  h.link.sendRaw(encodeFrame(0x0999, Buffer.from([1, 2, 3])));
  h.link.sendRaw(encodeFrame(Cid.CID_LOGIN_REQ_USERLOGIN, Buffer.alloc(0)));
  h.link.sendRaw(encodeFrame(Cid.CID_BUDDY_LIST_CHANGE_AVATAR_REQUEST, Buffer.alloc(0)));
  await alive();
  assert.equal(h.link.frames.length, 0, 'nothing was answered');
});

test('a heartbeat is not echoed', async () => {
  h.link.sendRaw(encodeFrame(Cid.CID_OTHER_HEARTBEAT, Buffer.alloc(0)));
  assert.ok(await h.link.silent(Cid.CID_OTHER_HEARTBEAT, 300));
});

test('a peer that keeps sending garbage bodies is closed; other links are unaffected', async () => {
  const bad = await h.connect();
  const good = await h.connect();
  for (let i = 0; i < 50; i++) bad.sendRaw(encodeFrame(Cid.CID_MSG_UNREAD_CNT_REQUEST, Buffer.from([0xff, 0xff, 0xff])));
  assert.ok(await bad.waitClosed(3000), 'garbage link closed');
  await alive(good);
});

test('a frame length below the header size closes only that link', async () => {
  const bad = await h.connect();
  const frame = Buffer.alloc(16);
  frame.writeUInt32BE(3, 0);
  bad.sendRaw(frame);
  assert.ok(await bad.waitClosed(3000));
  await alive();
});

test('absurd counts get bounded answers: 1e6 recipients of a push lookup', async () => {
  const rsp = await h.link.call(Cid.CID_OTHER_GET_DEVICE_TOKEN_REQ, IM.Server.IMGetDeviceTokenReq, { userId: Array.from({ length: 1_000_000 }, (_, i) => i) },
    Cid.CID_OTHER_GET_DEVICE_TOKEN_RSP, IM.Server.IMGetDeviceTokenRsp);
  assert.equal(rsp.userTokenInfo.length, 0);
  await alive();
});

// A reply whose link closed meanwhile: dropped_reply.test.ts.

test('stop: the peer is told to stop sending (CID_OTHER_STOP_RECV_PACKET), queued work still answered', async () => {
  const own = await startDbProxy({}, { reset: false });
  const p = own.link.wait(Cid.CID_OTHER_STOP_RECV_PACKET, 0, 5000);
  const answered = own.link.wait(Cid.CID_MSG_UNREAD_CNT_RESPONSE, 99, 5000);
  own.link.send(Cid.CID_MSG_UNREAD_CNT_REQUEST, IM.Message.IMUnreadMsgCntReq, { userId: 2 }, 99);
  await new Promise((r) => setTimeout(r, 20));
  const stopped = own.server.stop();
  await answered;
  await p;
  await stopped;
  own.link.close();
});
