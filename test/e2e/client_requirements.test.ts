// What the real third-party clients depend on (clients.md), through the real db_proxy, route_server,
// login_server and msg_server: the Go client's seq-0 requests and plain-text msg_data, the C++
// client's spoofed read ack, and the dropped message to oneself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { decodeBody } from '../../src/pdu/codec';
import { IM } from '../../src/pdu/gen/im';
import { wirePassword } from '../../src/pdu/crypto';
import type { TtClient } from '../../src/client/TtClient';
import { TestSystem, useFreshSystem, sleep } from './TestSystem';
import { ALICE, ANDROID, BOB } from '../msg/support/commands';

const SINGLE = IM.BaseDefine.SessionType.SESSION_TYPE_SINGLE;

let sys: TestSystem;

useFreshSystem((s) => { sys = s; });

async function unreadTotal(c: TtClient, from: number): Promise<number> {
  const { msg } = await c.request(Cid.CID_MSG_UNREAD_CNT_REQUEST, IM.Message.IMUnreadMsgCntReq, { userId: c.userId },
    Cid.CID_MSG_UNREAD_CNT_RESPONSE, IM.Message.IMUnreadMsgCntRsp);
  return msg.unreadinfoList.find((u) => u.sessionId === from)?.unreadCnt ?? 0;
}

test('clients.md Framing/Bodies: a Go-style client sending seq 0 and plain-text msg_data gets every reply with seq 0 and its bytes unchanged', async () => {
  const go = await sys.client();
  // Login, heartbeat, full user list and a message, all with seq 0 as the Go client sends them.
  go.send(Cid.CID_LOGIN_REQ_USERLOGIN, IM.Login.IMLoginReq, {
    userName: 'carol', password: wirePassword('123456'), onlineStatus: IM.BaseDefine.UserStatType.USER_STATUS_ONLINE,
    clientType: IM.BaseDefine.ClientType.CLIENT_TYPE_WINDOWS, clientVersion: 'go-client',
  }, 0);
  const loginPdu = await go.waitFor(Cid.CID_LOGIN_RES_USERLOGIN);
  assert.equal(loginPdu.header.seq, 0);
  const login = decodeBody(IM.Login.IMLoginRes, loginPdu);
  assert.equal(login.resultCode, 0);
  go.userId = login.userInfo!.userId;

  go.send(Cid.CID_OTHER_HEARTBEAT, IM.Other.IMHeartBeat, {}, 0);
  assert.equal((await go.waitFor(Cid.CID_OTHER_HEARTBEAT)).header.seq, 0);

  // Two db_proxy requests in flight with the same seq 0: each gets its own reply (DbPending matches by command too).
  // decodeBody rejects a missing required field at any depth, as the C++ client's lite runtime does.
  go.send(Cid.CID_BUDDY_LIST_ALL_USER_REQUEST, IM.Buddy.IMAllUserReq, { userId: 0, latestUpdateTime: 0 }, 0);
  go.send(Cid.CID_MSG_UNREAD_CNT_REQUEST, IM.Message.IMUnreadMsgCntReq, { userId: 0 }, 0);
  const [allPdu, unreadPdu] = await Promise.all([go.waitFor(Cid.CID_BUDDY_LIST_ALL_USER_RESPONSE), go.waitFor(Cid.CID_MSG_UNREAD_CNT_RESPONSE)]);
  assert.deepEqual([allPdu.header.seq, unreadPdu.header.seq], [0, 0]);
  assert.equal(decodeBody(IM.Message.IMUnreadMsgCntRsp, unreadPdu).userId, go.userId);
  const all = decodeBody(IM.Buddy.IMAllUserRsp, allPdu);
  assert.deepEqual(all.userList.map((u) => u.userId).sort(), [1, 2, 3]);

  const bob = await sys.loggedIn('bob');
  const plain = Buffer.from('plain text from the go client', 'utf8');
  go.send(Cid.CID_MSG_DATA, IM.Message.IMMsgData, {
    fromUserId: 0, toSessionId: BOB, msgId: 0, createTime: 0, msgType: IM.BaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT, msgData: plain,
  }, 0);
  const ackPdu = await go.waitFor(Cid.CID_MSG_DATA_ACK);
  assert.equal(ackPdu.header.seq, 0);
  const ack = decodeBody(IM.Message.IMMsgDataAck, ackPdu);
  assert.ok(ack.msgId >= 1);
  const { msg } = await bob.waitMsg(Cid.CID_MSG_DATA, IM.Message.IMMsgData, (m) => m.msgId === ack.msgId);
  assert.equal(msg.fromUserId, go.userId, 'the session user, not the 0 the client sent');
  assert.deepEqual(Buffer.from(msg.msgData), plain, 'msg_data is opaque: passed through, never decrypted or re-encrypted');
});

test('clients.md Behaviour: a read ack with user_id = the sender and session_id = the reader is applied to the reader, never the sender', async () => {
  const alice = await sys.loggedIn('alice');
  const bob = await sys.loggedIn('bob');
  const bobPhone = await sys.loggedIn('bob', 0, ANDROID);
  await bob.sendText(ALICE, 'unread by alice');
  const toBob = await alice.sendText(BOB, 'read by bob');
  assert.equal(await unreadTotal(alice, BOB), 1);
  assert.equal(await unreadTotal(bob, ALICE), 1);

  // What the C++ client sends for a message it received from alice (protocol.md §7 "Original bug").
  bob.send(Cid.CID_MSG_READ_ACK, IM.Message.IMMsgDataReadAck, { userId: ALICE, sessionId: BOB, msgId: toBob.msgId, sessionType: SINGLE });
  const { msg: notify } = await bobPhone.waitMsg(Cid.CID_MSG_READ_NOTIFY, IM.Message.IMMsgDataReadNotify);
  assert.equal(notify.userId, BOB, 'the reader\'s other terminal is told the session user read it');
  assert.equal(await alice.receives(Cid.CID_MSG_READ_NOTIFY, 300), false, 'the spoofed user_id reaches nobody');
  assert.equal(await unreadTotal(alice, BOB), 1, 'alice\'s unread counter is not cleared by bob');

  // The correct ack still clears the reader's own counter.
  bob.send(Cid.CID_MSG_READ_ACK, IM.Message.IMMsgDataReadAck, { userId: BOB, sessionId: ALICE, msgId: toBob.msgId, sessionType: SINGLE });
  await bobPhone.waitMsg(Cid.CID_MSG_READ_NOTIFY, IM.Message.IMMsgDataReadNotify, (m) => m.sessionId === ALICE);
  await sleep(200);
  assert.equal(await unreadTotal(bob, ALICE), 0);
});

test('clients.md Behaviour: a single-chat message to oneself is dropped: no ack, no copy to the other terminal, nothing stored', async () => {
  const pc = await sys.loggedIn('alice');
  const phone = await sys.loggedIn('alice', 0, ANDROID);
  const stats = sys.msgs[0]!.server.stats;
  const [sentBefore, droppedBefore] = [stats.upMsgs, stats.upDropped];
  const seq = pc.sendTextNoWait(ALICE, 'note to self');
  assert.equal(await pc.receives(Cid.CID_MSG_DATA_ACK, 500), false, `no ack for seq ${seq}`);
  // Dropped by msg_server itself (servers.md §4.9), not merely refused later by db_proxy.
  assert.deepEqual([stats.upMsgs - sentBefore, stats.upDropped - droppedBefore], [0, 1]);
  assert.equal(await phone.receives(Cid.CID_MSG_DATA, 100), false);
  assert.equal(await unreadTotal(pc, ALICE), 0);
  // The connection keeps working.
  const ack = await pc.sendText(BOB, 'after the dropped one');
  assert.ok(ack.msgId >= 1);
});
