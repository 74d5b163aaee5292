// clients.md Behaviour: the C++ client asks for the full user list right after login, and with
// 10,000 users that is one large IMAllUserRsp. Through the real db_proxy and msg_server the reply
// must arrive whole, with its seq, every required UserInfo field filled, well inside the client's
// 120 s patience.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { resetDatabase, flushRedis, testDb } from '../helpers';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { TestSystem } from './TestSystem';

const EXTRA = 10_000;
let sys: TestSystem;

before(async () => {
  await resetDatabase();
  await flushRedis();
  const m = testDb().mysql;
  const db = await mysql.createConnection({ host: m.host, port: m.port, user: m.user, password: m.password, database: m.database });
  try {
    const rows: unknown[][] = [];
    for (let i = 0; i < EXTRA; i++) {
      const id = 100 + i;
      rows.push([id, 1, `user${id}`, `user${id}`, `User ${id}`, 'x', '1', '', '', '', 1 + (i % 2), 0, 1700000000, 1700000000, 0, '']);
    }
    await db.query(
      'INSERT INTO `IMUser` (`id`, `sex`, `name`, `domain`, `nick`, `password`, `salt`, `phone`, `email`, `avatar`, `departId`, ' +
      '`status`, `created`, `updated`, `push_shield_status`, `sign_info`) VALUES ?', [rows]);
  } finally {
    await db.end();
  }
  sys = await TestSystem.start();
});

after(async () => {
  await sys?.stop();
  await resetDatabase();
});

test(`the full user list of ${EXTRA + 3} users right after login: one reply, with the seq, every required field, in seconds`, async () => {
  const carol = await sys.loggedIn('carol');
  const t0 = Date.now();
  const { pdu, msg } = await carol.request(Cid.CID_BUDDY_LIST_ALL_USER_REQUEST, IM.Buddy.IMAllUserReq, { userId: 0, latestUpdateTime: 0 },
    Cid.CID_BUDDY_LIST_ALL_USER_RESPONSE, IM.Buddy.IMAllUserRsp, 30_000);
  const ms = Date.now() - t0;
  assert.ok(ms < 10_000, `took ${ms} ms`);
  assert.ok(pdu.header.seq > 0);
  assert.equal(msg.userId, 3, 'the session user');
  assert.equal(msg.userList.length, EXTRA + 3);
  // decodeBody already refused a missing required field at any depth; spot-check the content too.
  const u = msg.userList.find((x) => x.userId === 100 + EXTRA - 1)!;
  assert.deepEqual([u.userNickName, u.userDomain, u.departmentId, u.userGender], [`User ${100 + EXTRA - 1}`, `user${100 + EXTRA - 1}`, 2, 1]);
  // The connection is still fine afterwards.
  const seq = carol.heartbeat();
  await carol.waitFor(Cid.CID_OTHER_HEARTBEAT, (p) => p.header.seq === seq, 2000);
});
