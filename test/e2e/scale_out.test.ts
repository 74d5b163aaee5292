// Two msg_servers behind one route_server, one login_server and one db_proxy: users spread over
// both, messages and presence cross through route_server, a login on one kicks the same user's
// terminal on the other, and a msg_server that crashes takes its users offline for everyone else.
// msg_server A runs in this process; B runs as its own process (`tt msg`) so it can be SIGKILLed:
// a crash closes nothing politely, so B's users can only go offline through route_server's and
// login_server's link-loss handling (servers.md §5.8, §3.2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { resetDatabase, flushRedis } from '../helpers';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import type { TtClient } from '../../src/client/TtClient';
import { TestSystem, MsgProcess } from './TestSystem';

const ONLINE = IM.BaseDefine.UserStatType.USER_STATUS_ONLINE;
const OFFLINE = IM.BaseDefine.UserStatType.USER_STATUS_OFFLINE;

let sys: TestSystem;
let procB: MsgProcess;
let portA: number;
let portB: number;

before(async () => {
  await resetDatabase();
  await flushRedis();
  sys = await TestSystem.start({ msgServers: 1 });
  procB = await sys.spawnMsgServer();
  portA = sys.msgPort(0);
  portB = procB.port;
});

after(async () => {
  await sys?.stop();
});

/** What a real client does first (protocol.md §5): ask login_server which msg_server to use. */
function askLogin(): Promise<{ code: number; port: string; priorIP: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: sys.loginHttpPort, path: '/msg_server' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString('utf8'); });
      res.on('end', () => { try { resolve(JSON.parse(body)); } catch (e) { reject(e); } });
    }).on('error', reject);
  });
}

async function loginWhereTold(name: string): Promise<{ c: TtClient; server: number }> {
  const r = await askLogin();
  assert.equal(r.code, 0);
  const server = Number(r.port);
  assert.ok(server === portA || server === portB, `login_server pointed at unknown port ${r.port}`);
  const c = await sys.loggedInAt(name, server);
  // login_server hears about the new user through CID_OTHER_USER_CNT_UPDATE: let it arrive.
  await new Promise((res) => setTimeout(res, 100));
  return { c, server };
}

function statusOf(c: TtClient, userId: number, status: number, timeoutMs = 3000): Promise<unknown> {
  return c.waitMsg(Cid.CID_BUDDY_LIST_STATUS_NOTIFY, IM.Buddy.IMUserStatNotify,
    (m) => m.userStat.userId === userId && m.userStat.status === status, timeoutMs);
}

let alice: TtClient;
let bob: TtClient;
let carol: TtClient;
let aliceServer: number;
let bobServer: number;

test('login_server spreads users over both msg_servers', async () => {
  ({ c: alice, server: aliceServer } = await loginWhereTold('alice'));
  ({ c: bob, server: bobServer } = await loginWhereTold('bob'));
  assert.equal(aliceServer, portA, 'a tie goes to the msg_server that registered first');
  assert.equal(bobServer, portB, 'the second user goes to the emptier msg_server');
  carol = await sys.loggedInAt('carol', bobServer);
});

test('presence crosses msg_servers: alice sees carol (on the other server) come online', async () => {
  await statusOf(alice, 3, ONLINE);
  await statusOf(bob, 3, ONLINE);
});

test('1:1 across msg_servers: acked after storage, delivered on the other server with seq 0', async () => {
  const ack = await alice.sendText(2, 'across the route');
  assert.ok(ack.msgId >= 1);
  const got = await bob.receiveText((m) => m.msgId === ack.msgId && m.fromUserId === 1);
  assert.equal(got.text, 'across the route');
  assert.equal(got.pdu.header.seq, 0, 'relayed copies carry seq 0 (the original kept the sender\'s seq)');
  assert.equal(Object.prototype.hasOwnProperty.call(got.msg, 'attachData'), false, 'no context leaks to the receiver');
  const back = await bob.sendText(1, 'and back');
  const got2 = await alice.receiveText((m) => m.msgId === back.msgId);
  assert.equal(got2.text, 'and back');
});

test('group chat across msg_servers: members on the other server get the message once', async () => {
  const { msg: created } = await alice.request(Cid.CID_GROUP_CREATE_REQUEST, IM.Group.IMGroupCreateReq, {
    userId: 1, groupType: IM.BaseDefine.GroupType.GROUP_TYPE_TMP, groupName: 'scale', groupAvatar: '', memberIdList: [1, 2, 3],
  }, Cid.CID_GROUP_CREATE_RESPONSE, IM.Group.IMGroupCreateRsp);
  assert.equal(created.resultCode, 0);
  const gid = created.groupId;
  const ack = await alice.sendText(gid, 'hello group', { group: true });
  assert.equal(ack.sessionType, IM.BaseDefine.SessionType.SESSION_TYPE_GROUP);
  for (const c of [bob, carol]) {
    const got = await c.receiveText((m) => m.toSessionId === gid && m.msgId === ack.msgId);
    assert.equal(got.text, 'hello group');
    assert.equal(Object.prototype.hasOwnProperty.call(got.msg, 'attachData'), false);
  }
  assert.equal(await bob.receives(Cid.CID_MSG_DATA, 300), false, 'delivered once');
  assert.equal(await alice.receives(Cid.CID_MSG_DATA, 100), false, 'not echoed to the sending connection');
});

test('a second login of bob on the other msg_server kicks and closes his first terminal', async () => {
  const bob2 = await sys.loggedInAt('bob', portA);
  const { msg } = await bob.waitMsg(Cid.CID_LOGIN_KICK_USER, IM.Login.IMKickUser);
  assert.equal(msg.userId, 2);
  assert.equal(msg.kickReason, IM.BaseDefine.KickReasonType.KICK_REASON_DUPLICATE_USER);
  await bob.closedPromise;
  // bob2 is the one that works now: a message to bob reaches it.
  const ack = await alice.sendText(2, 'which bob?');
  const got = await bob2.receiveText((m) => m.msgId === ack.msgId);
  assert.equal(got.text, 'which bob?');
});

test('crashing msg_server B (SIGKILL) sends its users offline on A; login_server stops handing out B', async () => {
  // carol is alone on B now (bob moved to A): B is the emptier server, the one login_server picks.
  const picked = await askLogin();
  assert.equal(Number(picked.port), portB, 'before the crash login_server hands out B');
  assert.equal(sys.msgs[0]!.server.users.get(3), undefined, 'carol is not on A');
  const offline = statusOf(alice, 3, OFFLINE, 5000);
  await sys.killMsgProcess(procB);
  await carol.closedPromise;
  await offline;
  const { msg } = await alice.request(Cid.CID_BUDDY_LIST_USERS_STATUS_REQUEST, IM.Buddy.IMUsersStatReq, { userId: 1, userIdList: [3] },
    Cid.CID_BUDDY_LIST_USERS_STATUS_RESPONSE, IM.Buddy.IMUsersStatRsp);
  assert.equal(msg.userStatList[0]?.status, OFFLINE, 'route_server no longer counts carol online');
  assert.deepEqual([...sys.login.registry.records()].map((r) => r.port), [portA], 'B left login_server\'s registry');
  for (let i = 0; i < 3; i++) {
    const r = await askLogin();
    assert.equal(r.code, 0);
    assert.equal(Number(r.port), portA, 'login_server hands out only A after the crash');
  }
});
