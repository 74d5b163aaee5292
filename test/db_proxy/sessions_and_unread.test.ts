import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { startDbProxy, Harness } from './support/harness';
import { sendMsg, unreadCount, recentSessions, createGroup } from './support/requests';
import { sql } from './support/db';

let h: Harness;
before(async () => { h = await startDbProxy({ SyncIntervalMs: 300 }); });
after(async () => { await h.close(); });

const removeSession = (user: number, type: number, peer: number) =>
  h.link.call(Cid.CID_BUDDY_LIST_REMOVE_SESSION_REQ, IM.Buddy.IMRemoveSessionReq, { userId: user, sessionType: type, sessionId: peer },
    Cid.CID_BUDDY_LIST_REMOVE_SESSION_RES, IM.Buddy.IMRemoveSessionRsp);

test('unread counts, read ack and recent sessions of a one-to-one conversation', async () => {
  await sendMsg(h.link, 1, 2, 'aGk=');
  await sendMsg(h.link, 1, 2, 'aGkgYWdhaW4=');
  const u = await unreadCount(h.link, 2);
  assert.equal(u.totalCnt, 2);
  assert.equal(u.unreadinfoList.length, 1);
  assert.deepEqual([u.unreadinfoList[0]!.sessionId, u.unreadinfoList[0]!.unreadCnt, u.unreadinfoList[0]!.latestMsgId, u.unreadinfoList[0]!.latestMsgFromUserId], [1, 2, 2, 1]);
  h.link.send(Cid.CID_MSG_READ_ACK, IM.Message.IMMsgDataReadAck, { userId: 2, sessionId: 1, msgId: 2, sessionType: 1 });
  assert.equal((await unreadCount(h.link, 2)).totalCnt, 0, 'the read ack ran before the next query of the same user');
  const rs = await recentSessions(h.link, 1);
  assert.equal(rs.contactSessionList.length, 1);
  assert.equal(rs.contactSessionList[0]!.sessionId, 2);
  assert.equal(rs.contactSessionList[0]!.latestMsgId, 2);
  assert.equal(Buffer.from(rs.contactSessionList[0]!.latestMsgData).toString(), 'aGkgYWdhaW4=');
});

test('removing a session hides it and clears its unread count; the next message brings it back', async () => {
  await sendMsg(h.link, 3, 1, 'eW8=');
  assert.equal((await unreadCount(h.link, 1)).totalCnt, 1);
  assert.equal((await removeSession(1, 1, 3)).resultCode, 0);
  assert.equal((await removeSession(1, 1, 3)).resultCode, 1, 'already removed');
  assert.equal((await unreadCount(h.link, 1)).totalCnt, 0);
  assert.deepEqual((await recentSessions(h.link, 1)).contactSessionList.map((s) => s.sessionId), [2]);
  await sendMsg(h.link, 3, 1, 'YmFjaw==');
  assert.deepEqual((await recentSessions(h.link, 1)).contactSessionList.map((s) => s.sessionId).sort(), [2, 3]);
});

test('group unread: the sender has read its own message; SyncCenter gives every member the group session', async () => {
  const g = (await createGroup(h.link, 1, 2, 'sync', [1, 2, 3])).groupId;
  await sendMsg(h.link, 1, g, 'Z3JvdXA=', 0x11);
  const bob = await unreadCount(h.link, 2);
  const entry = bob.unreadinfoList.find((e) => e.sessionType === 2);
  assert.deepEqual([entry?.sessionId, entry?.unreadCnt, entry?.latestMsgFromUserId], [g, 1, 1]);
  assert.equal((await unreadCount(h.link, 1)).unreadinfoList.filter((e) => e.sessionType === 2).length, 0);
  // within a few SyncCenter periods bob and carol see the group in their recent sessions
  let seen = false;
  for (let i = 0; i < 30 && !seen; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const rows = await sql<{ userId: number }>('SELECT userId FROM IMRecentSession WHERE peerId = ? AND type = 2 AND status = 0', [g]);
    seen = rows.length === 3;
  }
  assert.ok(seen, 'every member got a group session');
  assert.ok((await recentSessions(h.link, 3)).contactSessionList.some((s) => s.sessionId === g && s.sessionType === 2));
  // removing the group session marks the group read
  assert.equal((await removeSession(2, 2, g)).resultCode, 0);
  assert.equal((await unreadCount(h.link, 2)).unreadinfoList.filter((e) => e.sessionType === 2).length, 0);
});
