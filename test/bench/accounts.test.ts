import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import { resetDatabase, testDb } from '../helpers';
import { accountName, countGroupMessages, countSingleMessages, ensureAccounts } from '../../bench/suite/Accounts';
import { passwordMatches, wirePassword } from '../../src/pdu/crypto';

let pool: mysql.Pool;

before(async () => {
  await resetDatabase();
  const m = testDb().mysql;
  pool = mysql.createPool({ host: m.host, port: m.port, user: m.user, password: m.password, database: m.database, connectionLimit: 2 });
});
after(async () => {
  await pool.end();
});

interface Row extends RowDataPacket { id: number; name: string; password: string; salt: string; status: number }

test('accounts are created like the admin does and are idempotent', async () => {
  const first = await ensureAccounts(pool, 'btest', 1500, 'pw-1');
  assert.equal(first.created, 1500);
  assert.equal(first.accounts.length, 1500);
  assert.equal(first.accounts[0]!.name, accountName('btest', 1));
  assert.equal(new Set(first.accounts.map((a) => a.id)).size, 1500);
  const [rows] = await pool.query<Row[]>("SELECT id, name, password, salt, status FROM IMUser WHERE name LIKE 'btest%'");
  assert.equal(rows.length, 1500);
  for (const r of rows.slice(0, 50)) {
    assert.match(r.salt, /^\d{1,4}$/);
    assert.ok(passwordMatches(wirePassword('pw-1'), r.salt, r.password), `${r.name}: md5(md5(plain)+salt)`);
    assert.equal(r.status, 0);
  }
  const again = await ensureAccounts(pool, 'btest', 1500, 'pw-1');
  assert.equal(again.created, 0);
  assert.equal(again.repaired, 0);
  assert.deepEqual(again.accounts, first.accounts);
  const [[{ n }]] = await pool.query<Array<RowDataPacket & { n: number }>>("SELECT COUNT(*) AS n FROM IMUser WHERE name LIKE 'btest%'");
  assert.equal(n, 1500);
});

test('a changed password or a deleted account is repaired, more accounts are added', async () => {
  await ensureAccounts(pool, 'bfix', 3, 'pw');
  await pool.query("UPDATE IMUser SET password = 'x', status = 3 WHERE name = 'bfix000002'");
  const r = await ensureAccounts(pool, 'bfix', 5, 'pw');
  assert.equal(r.repaired, 1);
  assert.equal(r.created, 2);
  const [rows] = await pool.query<Row[]>("SELECT password, salt, status FROM IMUser WHERE name = 'bfix000002'");
  assert.ok(passwordMatches(wirePassword('pw'), rows[0]!.salt, rows[0]!.password));
  assert.equal(rows[0]!.status, 0);
});

test('a prefix with LIKE wildcards or SQL is refused, never pasted into SQL', async () => {
  await assert.rejects(ensureAccounts(pool, "b'; DROP TABLE IMUser; --", 1, 'pw'), /prefix/);
  await assert.rejects(ensureAccounts(pool, 'b%', 1, 'pw'), /prefix/);
});

test('message rows are counted per shard for the given senders and groups', async () => {
  const now = Math.floor(Date.now() / 1000);
  // relation 3 -> shard 3, relation 9 -> shard 1; group 10 -> shard 2
  await pool.query('INSERT INTO IMMessage_3 (relateId, fromId, toId, msgId, content, type, status, updated, created) VALUES (3, 101, 102, 1, ?, 1, 0, ?, ?), (3, 102, 101, 2, ?, 1, 0, ?, ?)', ['a', now, now, 'b', now, now]);
  await pool.query('INSERT INTO IMMessage_1 (relateId, fromId, toId, msgId, content, type, status, updated, created) VALUES (9, 101, 103, 1, ?, 1, 0, ?, ?), (9, 101, 103, 2, ?, 1, 0, ?, ?)', ['c', now - 100, now - 100, 'd', now, now]);
  await pool.query('INSERT INTO IMGroupMessage_2 (groupId, userId, msgId, content, type, status, updated, created) VALUES (10, 101, 1, ?, 17, 0, ?, ?), (18, 101, 1, ?, 17, 0, ?, ?)', ['e', now, now, 'f', now, now]);
  assert.equal(await countSingleMessages(pool, [101], now), 2, 'the old row is before the run');
  assert.equal(await countSingleMessages(pool, [101, 102], now - 200), 4);
  assert.equal(await countGroupMessages(pool, [10]), 1);
  assert.equal(await countGroupMessages(pool, [10, 18, 11]), 2);
});
