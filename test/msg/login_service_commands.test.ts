// The login-service commands of servers.md §4.9 after login, on the real system (db_proxy, route,
// login and msg on MariaDB/Redis): device tokens (mobile only, reply with user_id), push shield set
// and query, a phone kicking the same user's PC, the PC-login-status notify reaching the user's
// phone, and the code-3 answer to a login still pending at the login deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { TtClient } from '../../src/client/TtClient';
import { wirePassword } from '../../src/pdu/crypto';
import { TestSystem, useFreshSystem, sleep } from '../e2e/TestSystem';
import { ALICE, ANDROID, BOB, CAROL, WINDOWS, eventually, noImmediateReply, nothingArrives, redisRun } from './support/commands';

let sys: TestSystem;

useFreshSystem((s) => { sys = s; });

test('device token from a phone: answered at once with the session user id; stored under that user and client type', async () => {
  const phone = await sys.loggedIn('bob', 0, ANDROID);
  // A spoofed user id and client type: the server decides both (servers.md §4.9 "uid").
  const { pdu, msg } = await phone.request(Cid.CID_LOGIN_REQ_DEVICETOKEN, IM.Login.IMDeviceTokenReq, {
    userId: CAROL, deviceToken: 'bob-phone-token', clientType: IM.BaseDefine.ClientType.CLIENT_TYPE_IOS,
  }, Cid.CID_LOGIN_RES_DEVICETOKEN, IM.Login.IMDeviceTokenRsp);
  assert.equal(msg.userId, BOB, 'the reply carries user_id (the original sent an empty body)');
  assert.ok(pdu.header.seq > 0);
  assert.equal(Object.prototype.hasOwnProperty.call(msg, 'attachData'), false);
  await eventually(() => redisRun('token', async (r) => (await r.get(`device_${BOB}`)) === 'android:bob-phone-token'), 3000, 'the token in Redis');
  assert.equal(await redisRun('token', (r) => r.get(`device_${CAROL}`)), null, 'nothing stored for the spoofed user');
  await phone.close();
});

test('device token from a PC client: ignored, no reply and nothing stored', async () => {
  const pc = await sys.loggedIn('alice', 0, WINDOWS);
  pc.send(Cid.CID_LOGIN_REQ_DEVICETOKEN, IM.Login.IMDeviceTokenReq, { userId: ALICE, deviceToken: 'alice-pc-token', clientType: ANDROID });
  await noImmediateReply(pc, Cid.CID_LOGIN_RES_DEVICETOKEN);
  await sleep(200);
  assert.equal(await redisRun('token', (r) => r.get(`device_${ALICE}`)), null);
  assert.equal(pc.closed, false);
  await pc.close();
});

test('push shield: set answers with the new status for the session user; query reads it back; other users unchanged', async () => {
  const bob = await sys.loggedIn('bob', 0, ANDROID);
  // user_id names carol: were it not overwritten, the reply would name carol and be dropped as unroutable.
  const set = await bob.request(Cid.CID_LOGIN_REQ_PUSH_SHIELD, IM.Login.IMPushShieldReq, { userId: CAROL, shieldStatus: 1 },
    Cid.CID_LOGIN_RES_PUSH_SHIELD, IM.Login.IMPushShieldRsp);
  assert.equal(set.msg.userId, BOB);
  assert.equal(set.msg.resultCode, 0);
  assert.equal(set.msg.shieldStatus, 1);
  assert.equal(Object.prototype.hasOwnProperty.call(set.msg, 'attachData'), false, 'the context is not passed on');
  const q = await bob.request(Cid.CID_LOGIN_REQ_QUERY_PUSH_SHIELD, IM.Login.IMQueryPushShieldReq, { userId: CAROL },
    Cid.CID_LOGIN_RES_QUERY_PUSH_SHIELD, IM.Login.IMQueryPushShieldRsp);
  assert.deepEqual([q.msg.userId, q.msg.resultCode, q.msg.shieldStatus], [BOB, 0, 1]);
  assert.equal(Object.prototype.hasOwnProperty.call(q.msg, 'attachData'), false);

  const carol = await sys.loggedIn('carol');
  const qc = await carol.request(Cid.CID_LOGIN_REQ_QUERY_PUSH_SHIELD, IM.Login.IMQueryPushShieldReq, { userId: BOB },
    Cid.CID_LOGIN_RES_QUERY_PUSH_SHIELD, IM.Login.IMQueryPushShieldRsp);
  assert.deepEqual([qc.msg.userId, qc.msg.shieldStatus], [CAROL, 0], 'carol was not shielded by bob\'s request');

  const off = await bob.request(Cid.CID_LOGIN_REQ_PUSH_SHIELD, IM.Login.IMPushShieldReq, { userId: BOB, shieldStatus: 0 },
    Cid.CID_LOGIN_RES_PUSH_SHIELD, IM.Login.IMPushShieldRsp);
  assert.equal(off.msg.shieldStatus, 0);
  await bob.close();
  await carol.close();
});

test('a phone kicks the same user\'s PC: the PC gets kick reason 2 and is closed; the phone gets result 0 with its seq', async () => {
  const pc = await sys.loggedIn('carol', 0, WINDOWS);
  const otherPc = await sys.loggedIn('alice', 0, WINDOWS);
  const phone = await sys.loggedIn('carol', 0, ANDROID);
  assert.equal(pc.closed, false, 'a phone login does not displace the PC');
  const { pdu, msg } = await phone.request(Cid.CID_LOGIN_REQ_KICKPCCLIENT, IM.Login.IMKickPCClientReq, { userId: ALICE },
    Cid.CID_LOGIN_RES_KICKPCCLIENT, IM.Login.IMKickPCClientRsp);
  assert.deepEqual([msg.userId, msg.resultCode], [CAROL, 0]);
  assert.ok(pdu.header.seq > 0);
  const kick = await pc.waitMsg(Cid.CID_LOGIN_KICK_USER, IM.Login.IMKickUser);
  assert.deepEqual([kick.msg.userId, kick.msg.kickReason], [CAROL, 2]);
  await pc.closedPromise;
  assert.ok(await nothingArrives(otherPc, Cid.CID_LOGIN_KICK_USER, 300), 'another user\'s PC is untouched');
  assert.equal(otherPc.closed, false);
  assert.equal(phone.closed, false);
  await phone.close();
  await otherPc.close();
});

test('KICKPCCLIENT from a PC terminal is ignored: no reply, nobody kicked', async () => {
  const pc = await sys.loggedIn('bob', 0, WINDOWS);
  const mac = await sys.loggedIn('alice', 0, IM.BaseDefine.ClientType.CLIENT_TYPE_MAC);
  pc.send(Cid.CID_LOGIN_REQ_KICKPCCLIENT, IM.Login.IMKickPCClientReq, { userId: BOB });
  await noImmediateReply(pc, Cid.CID_LOGIN_RES_KICKPCCLIENT);
  assert.equal(pc.inbox.some((p) => p.header.commandId === Cid.CID_LOGIN_KICK_USER), false);
  assert.equal(pc.closed, false);
  await pc.close();
  await mac.close();
});

test('a PC login and logout of the same user reach the user\'s phone as PC-login-status notifies', async () => {
  const phone = await sys.loggedIn('alice', 0, ANDROID);
  const pc = await sys.loggedIn('alice', 0, WINDOWS);
  const on = await phone.waitMsg(Cid.CID_BUDDY_LIST_PC_LOGIN_STATUS_NOTIFY, IM.Buddy.IMPCLoginStatusNotify);
  assert.deepEqual([on.msg.userId, on.msg.loginStat], [ALICE, IM.BaseDefine.UserStatType.USER_STATUS_ONLINE]);
  assert.equal(on.pdu.header.seq, 0);
  assert.equal(sys.msgs[0]!.server.users.get(ALICE)?.pcLoginStatus, 1, 'remembered for the file-transfer decision');
  assert.ok(await nothingArrives(pc, Cid.CID_BUDDY_LIST_PC_LOGIN_STATUS_NOTIFY, 200), 'only phones get it');
  await pc.close();
  const off = await phone.waitMsg(Cid.CID_BUDDY_LIST_PC_LOGIN_STATUS_NOTIFY, IM.Buddy.IMPCLoginStatusNotify,
    (m) => m.loginStat !== IM.BaseDefine.UserStatType.USER_STATUS_ONLINE);
  assert.deepEqual([off.msg.userId, off.msg.loginStat], [ALICE, IM.BaseDefine.UserStatType.USER_STATUS_OFFLINE]);
  await phone.close();
});

test('a login still waiting for db_proxy at the login deadline gets code 3 with the request\'s seq, then the close', async () => {
  // A "db_proxy" that accepts the links and never answers, so the validation stays pending.
  const silent = net.createServer((s) => { s.on('data', () => undefined); s.on('error', () => undefined); });
  const sockets: net.Socket[] = [];
  silent.on('connection', (s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const dbPort = (silent.address() as net.AddressInfo).port;
  try {
    const deadline = 1500;
    const m = await sys.addMsgServer({ DBServerPort1: dbPort, DBServerPort2: dbPort, LoginDeadlineMs: deadline });
    await sys.waitReady(m);
    const c = await TtClient.connect('127.0.0.1', m.ports.ListenPort!, { firstSeq: 4242 });
    const t0 = Date.now();
    const seq = c.send(Cid.CID_LOGIN_REQ_USERLOGIN, IM.Login.IMLoginReq, {
      userName: 'bob', password: wirePassword('123456'), onlineStatus: 1, clientType: WINDOWS, clientVersion: 'test',
    });
    assert.equal(seq, 4242);
    const { msg: res, pdu } = await c.waitMsg(Cid.CID_LOGIN_RES_USERLOGIN, IM.Login.IMLoginRes, undefined, deadline + 3000);
    const waited = Date.now() - t0;
    assert.equal(pdu.header.seq, 4242, 'the Windows client matches the answer by seq');
    assert.equal(res.resultCode, IM.BaseDefine.ResultType.REFUSE_REASON_NO_DB_SERVER, 'code 3: db_proxy did not answer in time');
    assert.equal(res.userInfo, null);
    assert.ok(waited >= deadline - 200, `not before the deadline (${waited} ms)`);
    await c.closedPromise;
    await sys.stopMsg(m);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  }
});
