import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { startDbProxy, Harness } from './support/harness';
import { sendMsg, createGroup } from './support/requests';
import { sql, redis } from './support/db';
import { nextSeq } from './support/LinkClient';

let h: Harness;
before(async () => { h = await startDbProxy(); });
after(async () => { await h.close(); });

test('a one-to-one message is acked with msg id 1, 2, ... only once its row is stored, and counted unread', async () => {
  const attach = Buffer.from('000000010000002a00000000', 'hex');
  const first = await sendMsg(h.link, 1, 2, 'c2Vjb25k', 1, attach);
  assert.equal(first.msgId, 1);
  assert.equal(first.fromUserId, 1);
  assert.equal(first.toSessionId, 2);
  assert.equal(Buffer.from(first.msgData).toString(), 'c2Vjb25k');
  assert.deepEqual(Buffer.from(first.attachData), attach);
  const second = await sendMsg(h.link, 2, 1, 'dGhpcmQ=');
  assert.equal(second.msgId, 2, 'both directions share one sequence');
  // the reply is the request re-encoded: no attach_data when the request had none
  assert.equal(Object.prototype.hasOwnProperty.call(second, 'attachData'), false);
  const [rel] = await sql<{ id: number }>('SELECT id FROM IMRelationShip WHERE smallId = 1 AND bigId = 2');
  const rows = await sql<{ msgId: number; fromId: number; content: string }>(`SELECT msgId, fromId, content FROM IMMessage_${rel!.id % 8} WHERE relateId = ? ORDER BY msgId`, [rel!.id]);
  assert.deepEqual(rows.map((r) => [r.msgId, r.fromId, r.content]), [[1, 1, 'c2Vjb25k'], [2, 2, 'dGhpcmQ=']]);
  assert.equal(await redis('unread', (r) => r.hget('unread_2', '1')), '1');
  assert.equal(await redis('unread', (r) => r.hget('unread_1', '2')), '1');
  const sessions = await sql<{ userId: number; peerId: number; status: number }>('SELECT userId, peerId, status FROM IMRecentSession WHERE type = 1 ORDER BY userId');
  assert.deepEqual(sessions.map((s) => [s.userId, s.peerId, s.status]), [[1, 2, 0], [2, 1, 0]]);
});

test('concurrent messages of one conversation from many links get distinct, gap-free ids in storage order', async () => {
  const links = await Promise.all(Array.from({ length: 8 }, () => h.connect()));
  const replies = await Promise.all(links.flatMap((l, i) => Array.from({ length: 10 }, (_, j) => sendMsg(l, 1, 3, `m-${i}-${j}`))));
  const ids = replies.map((r) => r.msgId).sort((a, b) => a - b);
  assert.deepEqual(ids, Array.from({ length: 80 }, (_, i) => i + 1));
  const [rel] = await sql<{ id: number }>('SELECT id FROM IMRelationShip WHERE smallId = 1 AND bigId = 3');
  const rows = await sql<{ msgId: number }>(`SELECT msgId FROM IMMessage_${rel!.id % 8} WHERE relateId = ? ORDER BY id`, [rel!.id]);
  assert.deepEqual(rows.map((r) => r.msgId), ids, 'row order = msg id order');
  assert.equal(await redis('unread', (r) => r.hget('unread_3', '1')), '80');
  for (const l of links) l.close();
});

test('refused messages answer msg id 0 and store nothing: to oneself, invalid UTF-8, over 4096 characters', async () => {
  const before = await sql<{ n: number }>('SELECT COUNT(*) AS n FROM IMMessage_0');
  assert.equal((await sendMsg(h.link, 2, 2, 'self')).msgId, 0);
  const bad = await h.link.call(Cid.CID_MSG_DATA, IM.Message.IMMsgData, {
    fromUserId: 2, toSessionId: 3, msgId: 0, createTime: 1, msgType: 1, msgData: Buffer.from([0xff, 0xfe, 0x41]),
  }, Cid.CID_MSG_DATA, IM.Message.IMMsgData);
  assert.equal(bad.msgId, 0);
  assert.equal((await sendMsg(h.link, 2, 3, 'x'.repeat(4097))).msgId, 0);
  assert.equal((await sendMsg(h.link, 2, 3, 'é'.repeat(4096))).msgId, 1, '4096 characters (8192 bytes) fit');
  const after = await sql<{ n: number }>('SELECT COUNT(*) AS n FROM IMMessage_0');
  assert.ok(after[0]!.n >= before[0]!.n);
});

test('a message with an unknown type or empty data gets no reply; the link keeps working', async () => {
  const seq = nextSeq();
  h.link.send(Cid.CID_MSG_DATA, IM.Message.IMMsgData, { fromUserId: 1, toSessionId: 2, msgId: 0, createTime: 1, msgType: 1, msgData: Buffer.alloc(0) }, seq);
  assert.ok(await h.link.silent(Cid.CID_MSG_DATA, 300));
  assert.ok((await sendMsg(h.link, 1, 2, 'still here')).msgId > 0);
});

test('group messages: members get ids per group, lastChated moves, non-members get msg id 0', async () => {
  const g = await createGroup(h.link, 1, 2, 'store-test', [1, 2]);
  assert.equal(g.resultCode, 0);
  const gid = g.groupId;
  const a = await sendMsg(h.link, 1, gid, 'Z3JvdXA=', 0x11);
  const b = await sendMsg(h.link, 2, gid, 'Z3JvdXAy', 0x11);
  assert.deepEqual([a.msgId, b.msgId], [1, 2]);
  assert.equal((await sendMsg(h.link, 3, gid, 'bm9wZQ==', 0x11)).msgId, 0, 'carol is not a member');
  const rows = await sql<{ msgId: number; userId: number }>(`SELECT msgId, userId FROM IMGroupMessage_${gid % 8} WHERE groupId = ? ORDER BY msgId`, [gid]);
  assert.deepEqual(rows.map((r) => [r.msgId, r.userId]), [[1, 1], [2, 2]]);
  const [grp] = await sql<{ lastChated: number }>('SELECT lastChated FROM IMGroup WHERE id = ?', [gid]);
  assert.ok(grp!.lastChated > 0);
  assert.equal(await redis('unread', (r) => r.hget(`${gid}_im_group_msg`, 'count')), '2');
  // the sender has read its own message
  assert.equal(await redis('unread', (r) => r.hget(`2_${gid}_im_user_group`, 'count')), '2');
});

test('a lost msg-id counter restarts after the largest stored id, never at 1', async () => {
  const first = await sendMsg(h.link, 2, 3, 'before-loss');
  const [rel] = await sql<{ id: number }>('SELECT id FROM IMRelationShip WHERE smallId = 2 AND bigId = 3');
  await redis('unread', (r) => r.del(`msg_id_${rel!.id}`));
  const next = await sendMsg(h.link, 3, 2, 'after-loss');
  assert.equal(next.msgId, first.msgId + 1);
});
