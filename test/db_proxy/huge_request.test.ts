// "Other links are unaffected" by an absurd request (db_proxy.md §8): while one link sends a
// huge body (a 16 MiB user-info request, 16 million ids), a second link's simple
// requests, handled by the other worker, keep being answered within a bound. The I/O thread must
// not decode such a body in one go just to find its work key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { MAX_LINK_PDU } from '../../src/net/Conn';
import { encodeFrame } from '../../src/pdu/Pdu';
import { decodeBody, encodeBody } from '../../src/pdu/codec';
import { SKIM_ABOVE, skimBody } from '../../src/servers/db_proxy/keySkim';
import { COMMAND_BY_CID } from '../../src/servers/db_proxy/commands';
import { userKey, workerIndex } from '../../src/servers/db_proxy/workKey';
import { startDbProxy, Harness } from './support/harness';
import { nextSeq } from './support/LinkClient';

const WORKERS = 2;
/** Longest a probe may wait for its answer while the huge body is in flight. */
const BOUND_MS = 500;

let h: Harness;
before(async () => { h = await startDbProxy({ ThreadNum: WORKERS }); });
after(async () => { await h.close(); });

/** Size of the huge body: 16 MiB of ids. */
const HUGE_BYTES = 16 * 1024 * 1024;

/**
 * IMUsersInfoReq{user_id: 1, user_id_list: [127 × 16 million]}, the list packed (legal protobuf,
 * one byte per id): decoding it whole took the I/O thread about half a second. Built by hand:
 * encoding 16 million ids through protobufjs would itself stall this process, which also runs
 * the server. (The full 64 MiB frame is legal too, but reassembling it in Conn, src/net, costs
 * the I/O thread far more than any decode: a minute of copying, see the README.)
 */
function hugeUserInfoFrame(seq: number): Buffer {
  const head = Buffer.from([0x08, 0x01, 0x12, 0, 0, 0, 0]);
  let v = HUGE_BYTES;
  for (let i = 0; i < 4; i++) { head[3 + i] = (v & 0x7f) | (i < 3 ? 0x80 : 0); v = Math.floor(v / 128); }
  const body = Buffer.alloc(head.length + HUGE_BYTES, 0x7f);
  head.copy(body, 0);
  return encodeFrame(Cid.CID_BUDDY_LIST_USER_INFO_REQUEST, body, { seq });
}

test('while one link sends a 16 MiB user-info request (16 million ids), another link is answered within the bound', { timeout: 120_000 }, async () => {
  // The probe's user must be on the other worker: that worker is idle, so any delay is the I/O thread's.
  const bigWorker = workerIndex(userKey(1), WORKERS);
  const probeUser = [2, 3, 4, 5, 6, 7, 8, 9].find((u) => workerIndex(userKey(u), WORKERS) !== bigWorker)!;
  const frame = hugeUserInfoFrame(7);
  assert.ok(frame.length <= MAX_LINK_PDU);
  const bigLink = await h.connect();
  const probe = await h.connect();

  const latencies: number[] = [];
  let bigDone = false;
  const probing = (async () => {
    while (!bigDone || latencies.length < 5) {
      const t0 = Date.now();
      const rsp = await probe.call(Cid.CID_MSG_UNREAD_CNT_REQUEST, IM.Message.IMUnreadMsgCntReq, { userId: probeUser },
        Cid.CID_MSG_UNREAD_CNT_RESPONSE, IM.Message.IMUnreadMsgCntRsp, nextSeq(), 30_000);
      assert.equal(rsp.userId, probeUser);
      latencies.push(Date.now() - t0);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();

  const t0 = Date.now();
  const answered = bigLink.wait(Cid.CID_BUDDY_LIST_USER_INFO_RESPONSE, 7, 100_000);
  bigLink.sendRaw(frame);
  const rsp = decodeBody(IM.Buddy.IMUsersInfoRsp, (await answered).body);
  const bigMs = Date.now() - t0;
  bigDone = true;
  await probing;

  assert.equal(rsp.userId, 1);
  assert.equal(rsp.userInfoList.length, 0, 'no user has id 127');
  const worst = Math.max(...latencies);
  assert.ok(latencies.length >= 5, `${latencies.length} probes`);
  assert.ok(worst <= BOUND_MS, `a probe waited ${worst} ms (bound ${BOUND_MS} ms; ${latencies.length} probes while the big request took ${bigMs} ms)`);
});

test('a skimmed large body gets the same work key as the whole body', () => {
  const big = Buffer.alloc(200_000, 7);
  const cases: Array<[number, Uint8Array]> = [
    [Cid.CID_MSG_DATA, encodeBody(IM.Message.IMMsgData, { fromUserId: 9, toSessionId: 4, msgId: 0, createTime: 5, msgType: 2, msgData: big, attachData: Buffer.from('a') })],
    [Cid.CID_MSG_DATA, encodeBody(IM.Message.IMMsgData, { fromUserId: 3, toSessionId: 12, msgId: 0, createTime: 5, msgType: 0x11, msgData: big })],
    [Cid.CID_GROUP_INFO_REQUEST, encodeBody(IM.Group.IMGroupInfoListReq, { userId: 6, groupVersionList: Array.from({ length: 50_000 }, (_, i) => ({ groupId: i, version: 1 })) })],
    [Cid.CID_OTHER_GET_DEVICE_TOKEN_REQ, encodeBody(IM.Server.IMGetDeviceTokenReq, { userId: Array.from({ length: 50_000 }, (_, i) => i + 7) })],
    [Cid.CID_GROUP_CHANGE_MEMBER_REQUEST, encodeBody(IM.Group.IMGroupChangeMemberReq, { userId: 1, changeType: 1, groupId: 33, memberIdList: Array.from({ length: 50_000 }, (_, i) => i) })],
  ];
  for (const [cid, body] of cases) {
    assert.ok(body.length > SKIM_ABOVE);
    const cmd = COMMAND_BY_CID.get(cid)!;
    const skim = skimBody(body, cid);
    assert.ok(skim.length < 64, `skim of ${body.length} bytes is ${skim.length} bytes`);
    assert.equal(cmd.key(decodeBody(cmd.type, skim)), cmd.key(decodeBody(cmd.type, body)));
  }
  // Not protobuf at the top level: garbage, as a full decode would say.
  assert.throws(() => skimBody(Buffer.concat([Buffer.from([0x08, 0x01, 0x12, 0xff, 0xff, 0x7f]), big]), Cid.CID_MSG_DATA), /truncated/);
  assert.throws(() => skimBody(Buffer.concat([big, Buffer.from([0x0b])]), Cid.CID_MSG_DATA), /wire type|field number/);
});
