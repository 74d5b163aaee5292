import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { encodeFrame } from '../../src/pdu/Pdu';
import { startDbProxy, Harness } from './support/harness';
import { sendMsg, msgList, createGroup, changeMembers } from './support/requests';
import { redis } from './support/db';

let h: Harness;
before(async () => {
  h = await startDbProxy();
  for (let i = 1; i <= 130; i++) await sendMsg(h.link, i % 2 ? 1 : 2, i % 2 ? 2 : 1, `msg-${i}`);
});
after(async () => { await h.close(); });

test('history is newest first and capped at 100 even when 1e9 messages are asked for', async () => {
  const rsp = await msgList(h.link, 1, 1, 2, 0, 1_000_000_000);
  assert.equal(rsp.msgList.length, 100);
  assert.deepEqual(rsp.msgList.slice(0, 3).map((m) => m.msgId), [130, 129, 128]);
  assert.equal(Buffer.from(rsp.msgList[0]!.msgData).toString(), 'msg-130');
  assert.equal(rsp.msgList[0]!.fromSessionId, 2);
  assert.equal(rsp.msgIdBegin, 0);
});

test('paging with msg_id_begin returns that id and older ones', async () => {
  const rsp = await msgList(h.link, 2, 1, 1, 5, 3);
  assert.deepEqual(rsp.msgList.map((m) => m.msgId), [5, 4, 3]);
  assert.equal(rsp.msgIdBegin, 5);
  assert.equal((await msgList(h.link, 3, 1, 1, 0, 10)).msgList.length, 0, 'carol and alice never chatted');
});

test('messages by id: only the asked ids of that conversation, at most 100', async () => {
  const rsp = await h.link.call(Cid.CID_MSG_GET_BY_MSG_ID_REQ, IM.Message.IMGetMsgByIdReq,
    { userId: 1, sessionType: 1, sessionId: 2, msgIdList: [3, 7, 9999] }, Cid.CID_MSG_GET_BY_MSG_ID_RES, IM.Message.IMGetMsgByIdRsp);
  assert.deepEqual(rsp.msgList.map((m) => m.msgId).sort((a, b) => a - b), [3, 7]);
  const many = await h.link.call(Cid.CID_MSG_GET_BY_MSG_ID_REQ, IM.Message.IMGetMsgByIdReq,
    { userId: 1, sessionType: 1, sessionId: 2, msgIdList: Array.from({ length: 5000 }, (_, i) => i + 1) }, Cid.CID_MSG_GET_BY_MSG_ID_RES, IM.Message.IMGetMsgByIdRsp);
  assert.equal(many.msgList.length, 100);
});

test('latest msg id of a conversation', async () => {
  const latest = await h.link.call(Cid.CID_MSG_GET_LATEST_MSG_ID_REQ, IM.Message.IMGetLatestMsgIdReq, { userId: 2, sessionType: 1, sessionId: 1 },
    Cid.CID_MSG_GET_LATEST_MSG_ID_RSP, IM.Message.IMGetLatestMsgIdRsp);
  assert.equal(latest.latestMsgId, 130);
  const none = await h.link.call(Cid.CID_MSG_GET_LATEST_MSG_ID_REQ, IM.Message.IMGetLatestMsgIdReq, { userId: 3, sessionType: 1, sessionId: 1 },
    Cid.CID_MSG_GET_LATEST_MSG_ID_RSP, IM.Message.IMGetLatestMsgIdRsp);
  assert.equal(none.latestMsgId, 0);
});

test('latest msg id of a group: its newest message, 0 before any, for non-members too (no membership check, §6.13)', async () => {
  const g = (await createGroup(h.link, 1, 2, 'latest', [1, 2])).groupId;
  const latestOfGroup = async (user: number): Promise<number> => {
    const rsp = await h.link.call(Cid.CID_MSG_GET_LATEST_MSG_ID_REQ, IM.Message.IMGetLatestMsgIdReq, { userId: user, sessionType: 2, sessionId: g },
      Cid.CID_MSG_GET_LATEST_MSG_ID_RSP, IM.Message.IMGetLatestMsgIdRsp);
    assert.equal(rsp.sessionType, 2);
    assert.equal(rsp.sessionId, g);
    return rsp.latestMsgId;
  };
  assert.equal(await latestOfGroup(1), 0, 'no message yet');
  const ids: number[] = [];
  for (const [from, text] of [[1, 'g-1'], [2, 'g-2'], [1, 'g-3']] as const) ids.push((await sendMsg(h.link, from, g, text, 0x11)).msgId);
  assert.deepEqual(ids, [1, 2, 3], 'group message ids count from 1');
  assert.equal(await latestOfGroup(2), 3);
  assert.equal(await latestOfGroup(99), 3, 'a non-member gets the id too, like the original');
  // the 1:1 counter of the same users is another sequence
  assert.equal((await h.link.call(Cid.CID_MSG_GET_LATEST_MSG_ID_REQ, IM.Message.IMGetLatestMsgIdReq, { userId: 1, sessionType: 1, sessionId: 2 },
    Cid.CID_MSG_GET_LATEST_MSG_ID_RSP, IM.Message.IMGetLatestMsgIdRsp)).latestMsgId, 130);
});

test('group history: members only, and only messages from after they joined', async () => {
  const g = (await createGroup(h.link, 1, 2, 'hist', [1, 2])).groupId;
  // alice and bob joined long ago (the join time is backdated so the next message is newer)
  await redis('group_member', async (r) => { await r.hset(`group_member_${g}`, '1', '100', '2', '100'); });
  await sendMsg(h.link, 1, g, 'old', 0x11);
  assert.equal((await changeMembers(h.link, 1, g, 1, [3])).resultCode, 0);
  // carol's join time is in the future relative to the message (joined now, message made at t=now-?)
  await redis('group_member', async (r) => { await r.hset(`group_member_${g}`, '3', String(Math.floor(Date.now() / 1000) + 100)); });
  await sendMsg(h.link, 2, g, 'new', 0x11);
  assert.deepEqual((await msgList(h.link, 1, 2, g, 0, 10)).msgList.map((m) => Buffer.from(m.msgData).toString()), ['new', 'old']);
  assert.deepEqual((await msgList(h.link, 3, 2, g, 0, 10)).msgList.length, 0, 'carol joined after both messages');
  assert.equal((await msgList(h.link, 99, 2, g, 0, 10)).msgList.length, 0, 'a non-member sees nothing');
});

test('an invalid session type gets no reply; the link keeps working', async () => {
  // encode() without verify(): the codec itself refuses to build such a body
  const body = IM.Message.IMGetMsgListReq.encode({ userId: 1, sessionType: 7 as IM.BaseDefine.SessionType, sessionId: 2, msgIdBegin: 0, msgCnt: 10 }).finish();
  h.link.sendRaw(encodeFrame(Cid.CID_MSG_LIST_REQUEST, body, { seq: 4242 }));
  assert.ok(await h.link.silent(Cid.CID_MSG_LIST_RESPONSE, 300));
  assert.equal((await msgList(h.link, 1, 1, 2, 0, 1)).msgList.length, 1);
});
