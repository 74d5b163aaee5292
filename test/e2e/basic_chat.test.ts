// One msg_server with the real db_proxy, route_server and login_server: login, presence, a 1:1
// message stored before it is acked, and the failure replies of a login.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { TestSystem, useFreshSystem } from './TestSystem';

let sys: TestSystem;

useFreshSystem((s) => { sys = s; });

test('login succeeds with the demo password and announces the user online to PC clients', async () => {
  const alice = await sys.loggedIn('alice');
  assert.equal(alice.userId, 1);
  const { msg } = await alice.waitMsg(Cid.CID_BUDDY_LIST_STATUS_NOTIFY, IM.Buddy.IMUserStatNotify, (m) => m.userStat.userId === 1);
  assert.equal(msg.userStat.status, IM.BaseDefine.UserStatType.USER_STATUS_ONLINE);
});

test('a wrong password gets result 6 and the connection is closed by the server', async () => {
  const c = await sys.client();
  const res = await c.login('carol', 'wrong');
  assert.equal(res.resultCode, IM.BaseDefine.ResultType.REFUSE_REASON_DB_VALIDATE_FAILED);
  assert.equal(res.resultString, '用户名/密码错误');
  assert.equal(res.userInfo, null);
  await c.closedPromise;
});

test('1:1 text: the sender is acked with the stored id, the receiver gets it with seq 0 and no context', async () => {
  const alice = await sys.loggedIn('alice');
  const bob = await sys.loggedIn('bob');
  const ack = await alice.sendText(2, 'hello bob');
  assert.equal(ack.userId, 1);
  assert.equal(ack.sessionId, 2);
  assert.ok(ack.msgId >= 1);
  const got = await bob.receiveText((m) => m.msgId === ack.msgId);
  assert.equal(got.text, 'hello bob');
  assert.equal(got.msg.fromUserId, 1);
  assert.equal(got.pdu.header.seq, 0);
  assert.equal(Object.prototype.hasOwnProperty.call(got.msg, 'attachData'), false);
  const ack2 = await bob.sendText(1, 'hi alice');
  assert.equal(ack2.msgId, ack.msgId + 1, 'ids count per user pair');
});
