// Master/slave routing (db_proxy.md §3.4): every write goes to teamtalk_master. Here the slave
// pool logs in with an account that may only SELECT, as a read replica's would, so any write sent
// to it fails (ER_TABLEACCESS_DENIED_ERROR): each kind of write db_proxy does is exercised, checked
// in the database, and the workers' backend error count must stay 0 (handlers that log a failed
// write and answer anyway cannot hide it). Reads on the slave pool keep working meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import mysql from 'mysql2/promise';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { wirePassword } from '../../src/pdu/crypto';
import { flushRedis } from '../helpers';
import { startDbProxy, Harness } from './support/harness';
import { ThrowawayMariaDb } from './support/throwaway';
import { changeMembers, createGroup, recentSessions, sendMsg, unreadCount } from './support/requests';
import { valueOf } from '../metrics/support/scrape';

const SLAVE_USER = 'ttslave';
const SLAVE_PASSWORD = 'ttslave';
const GROUP_TEXT = 0x11;
const AUDIO = 2;

let db: ThrowawayMariaDb | undefined;
let h: Harness | undefined;
let msfs: http.Server | undefined;

before(async () => {
  db = await ThrowawayMariaDb.start();
  await db.createAccount(SLAVE_USER, SLAVE_PASSWORD, 'SELECT');
  // A stand-in for msfs so audio messages (an IMAudio row) are part of the writes.
  msfs = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ error_code: 0, error_msg: 'ok', path: '/g0/a.audio', url: 'http://127.0.0.1/g0/a.audio' })));
  });
  await new Promise<void>((r) => msfs!.listen(0, '127.0.0.1', () => r()));
  const overrides: Record<string, number | string> = {
    MetricsPort: 0, SyncIntervalMs: 200, MsfsSite: `http://127.0.0.1:${(msfs.address() as { port: number }).port}`,
  };
  const account = { teamtalk_master: [ThrowawayMariaDb.user, ThrowawayMariaDb.password], teamtalk_slave: [SLAVE_USER, SLAVE_PASSWORD] };
  for (const [pool, [user, password]] of Object.entries(account)) {
    overrides[`${pool}_host`] = '127.0.0.1';
    overrides[`${pool}_port`] = db.port;
    overrides[`${pool}_dbname`] = ThrowawayMariaDb.database;
    overrides[`${pool}_username`] = user!;
    overrides[`${pool}_password`] = password!;
  }
  await flushRedis();
  h = await startDbProxy(overrides, { reset: false });
});

after(async () => {
  await h?.close();
  msfs?.close();
  await db?.destroy();
});

test('the slave account can read but not write (so the next test means something)', async () => {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: db!.port, user: SLAVE_USER, password: SLAVE_PASSWORD, database: ThrowawayMariaDb.database });
  try {
    const [rows] = await c.execute('SELECT id FROM IMUser WHERE id = ?', [1]);
    assert.equal((rows as unknown[]).length, 1);
    await assert.rejects(c.execute('UPDATE IMUser SET sign_info = ? WHERE id = ?', ['x', 1]), /denied/i);
  } finally {
    await c.end();
  }
});

test('every kind of write goes to the master: all succeed with a read-only slave, no backend error', { timeout: 60_000 }, async () => {
  const link = h!.link;
  const q = <T>(text: string, params: Array<number | string> = []): Promise<T[]> => db!.query<T>(text, params);

  // A read on the slave pool: login.
  const login = await link.call(Cid.CID_OTHER_VALIDATE_REQ, IM.Server.IMValidateReq, { userName: 'alice', password: wirePassword('123456') },
    Cid.CID_OTHER_VALIDATE_RSP, IM.Server.IMValidateRsp);
  assert.equal(login.resultCode, 0);

  // Message stores: a new relation, both sessions, the row, unread counters; then a reply.
  const m1 = await sendMsg(link, 1, 2, 'cm91dGluZw==');
  const m2 = await sendMsg(link, 2, 1, 'cmVwbHk=');
  assert.deepEqual([m1.msgId, m2.msgId], [1, 2]);
  // An audio message: an IMAudio row, then the message row.
  const audio = await link.call(Cid.CID_MSG_DATA, IM.Message.IMMsgData,
    { fromUserId: 1, toSessionId: 3, msgId: 0, createTime: Math.floor(Date.now() / 1000), msgType: AUDIO, msgData: Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('OggS-clip')]) },
    Cid.CID_MSG_DATA, IM.Message.IMMsgData);
  assert.equal(audio.msgId, 1, 'audio message stored');

  // Groups: create (group, members, creator's session), a group message, change members both ways.
  const created = await createGroup(link, 1, 1, 'routing', [1, 2, 3]);
  assert.equal(created.resultCode, 0);
  const g = created.groupId;
  assert.equal((await sendMsg(link, 1, g, 'Z3JvdXA=', GROUP_TEXT)).msgId, 1);
  assert.equal((await changeMembers(link, 1, g, 2, [3])).resultCode, 0, 'remove a member');
  assert.equal((await changeMembers(link, 1, g, 1, [3])).resultCode, 0, 'add it back');

  // Session updates: read ack (no reply), remove session.
  link.send(Cid.CID_MSG_READ_ACK, IM.Message.IMMsgDataReadAck, { userId: 2, sessionId: 1, msgId: 1, sessionType: 1 });
  assert.equal((await unreadCount(link, 2)).unreadinfoList.filter((u) => u.sessionType === 1).length, 0, 'read ack applied');
  const removed = await link.call(Cid.CID_BUDDY_LIST_REMOVE_SESSION_REQ, IM.Buddy.IMRemoveSessionReq, { userId: 1, sessionType: 1, sessionId: 3 },
    Cid.CID_BUDDY_LIST_REMOVE_SESSION_RES, IM.Buddy.IMRemoveSessionRsp);
  assert.equal(removed.resultCode, 0);

  // User settings: push shield, signature; device token; group shield.
  const shield = await link.call(Cid.CID_LOGIN_REQ_PUSH_SHIELD, IM.Login.IMPushShieldReq, { userId: 2, shieldStatus: 1 }, Cid.CID_LOGIN_RES_PUSH_SHIELD, IM.Login.IMPushShieldRsp);
  assert.equal(shield.resultCode, 0);
  const sign = await link.call(Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST, IM.Buddy.IMChangeSignInfoReq, { userId: 3, signInfo: 'routed' },
    Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_RESPONSE, IM.Buddy.IMChangeSignInfoRsp);
  assert.equal(sign.resultCode, 0);
  await link.call(Cid.CID_LOGIN_REQ_DEVICETOKEN, IM.Login.IMDeviceTokenReq, { userId: 1, deviceToken: 'tok-routing', clientType: 0x12 },
    Cid.CID_LOGIN_RES_DEVICETOKEN, IM.Login.IMDeviceTokenRsp);
  const gshield = await link.call(Cid.CID_GROUP_SHIELD_GROUP_REQUEST, IM.Group.IMGroupShieldReq, { userId: 2, groupId: g, shieldStatus: 1 },
    Cid.CID_GROUP_SHIELD_GROUP_RESPONSE, IM.Group.IMGroupShieldRsp);
  assert.equal(gshield.resultCode, 0);

  // Offline files: add, then delete (neither has a reply; the listing is a slave read).
  const files = () => link.call(Cid.CID_FILE_HAS_OFFLINE_REQ, IM.File.IMFileHasOfflineReq, { userId: 2 }, Cid.CID_FILE_HAS_OFFLINE_RES, IM.File.IMFileHasOfflineRsp);
  link.send(Cid.CID_FILE_ADD_OFFLINE_REQ, IM.File.IMFileAddOfflineReq, { fromUserId: 1, toUserId: 2, taskId: 'task-routing', fileName: 'f.txt', fileSize: 9 });
  let listed = 0;
  for (let i = 0; i < 50 && listed === 0; i++) listed = (await files()).offlineFileList.length;
  assert.equal(listed, 1, 'offline file added');
  link.send(Cid.CID_FILE_DEL_OFFLINE_REQ, IM.File.IMFileDelOfflineReq, { fromUserId: 1, toUserId: 2, taskId: 'task-routing' });
  for (let i = 0; i < 50 && listed !== 0; i++) listed = (await files()).offlineFileList.length;
  assert.equal(listed, 0, 'offline file deleted');

  // SyncCenter: every member gets the group session (UPDATE / INSERT IMRecentSession).
  let synced = 0;
  for (let i = 0; i < 50 && synced < 3; i++) {
    await new Promise((r) => setTimeout(r, 100));
    synced = (await q<{ userId: number }>('SELECT userId FROM IMRecentSession WHERE peerId = ? AND type = 2 AND status = 0', [g])).length;
  }
  assert.equal(synced, 3, 'SyncCenter wrote every member\'s group session');

  // What the database holds (read as root, not through db_proxy).
  const singles = [];
  for (let i = 0; i < 8; i++) singles.push(...await q<{ fromId: number; toId: number; msgId: number }>(`SELECT fromId, toId, msgId FROM IMMessage_${i}`));
  assert.equal(singles.length, 3);
  assert.equal((await q(`SELECT id FROM IMGroupMessage_${g % 8} WHERE groupId = ?`, [g])).length, 1);
  assert.equal((await q('SELECT id FROM IMAudio')).length, 1);
  assert.deepEqual((await q<{ userId: number }>('SELECT userId FROM IMGroupMember WHERE groupId = ? AND status = 0 ORDER BY userId', [g])).map((r) => r.userId), [1, 2, 3]);
  assert.equal((await q<{ s: number }>('SELECT push_shield_status AS s FROM IMUser WHERE id = 2'))[0]!.s, 1);
  assert.equal((await q<{ s: string }>('SELECT sign_info AS s FROM IMUser WHERE id = 3'))[0]!.s, 'routed');
  assert.equal((await q<{ status: number }>('SELECT status FROM IMRecentSession WHERE userId = 1 AND peerId = 3 AND type = 1'))[0]!.status, 1, 'session removed');
  assert.ok((await recentSessions(link, 2)).contactSessionList.some((s) => s.sessionId === 1), 'reads see the writes');

  assert.equal(await valueOf(h!.server.ports.metrics!, 'teamtalk_db_proxy_backend_errors_total'), 0, 'no statement failed, on either pool');
});
