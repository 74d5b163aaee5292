import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { resetDatabase, testDb } from './index';

async function connect(): Promise<mysql.Connection> {
  const m = testDb().mysql;
  return mysql.createConnection({ host: m.host, port: m.port, user: m.user, password: m.password, database: m.database });
}

test('resetDatabase empties tables, restarts ids at 1, drops stray tables and reseeds the demo data', async () => {
  await resetDatabase();
  const c = await connect();
  try {
    await c.query("INSERT INTO IMUser (name, departId, created, updated) VALUES ('mallory', 1, 1, 1)");
    await c.query("INSERT INTO IMMessage_3 (relateId, fromId, toId, msgId, content, type, created, updated) VALUES (3, 1, 2, 1, 'x', 1, 1, 1)");
    await c.query("UPDATE IMUser SET nick = 'changed' WHERE id = 1");
    await c.query('CREATE TABLE IF NOT EXISTS stray_table (id INT)');

    const t0 = Date.now();
    await resetDatabase();
    const ms = Date.now() - t0;

    const [users] = await c.query('SELECT id, name, nick FROM IMUser ORDER BY id');
    assert.deepEqual(users, [
      { id: 1, name: 'alice', nick: 'Alice' },
      { id: 2, name: 'bob', nick: 'Bob' },
      { id: 3, name: 'carol', nick: 'Carol' },
    ]);
    const [msgs] = await c.query('SELECT COUNT(*) AS n FROM IMMessage_3');
    assert.equal((msgs as Array<{ n: number }>)[0]!.n, 0);
    const [stray] = await c.query("SHOW TABLES LIKE 'stray_table'");
    assert.equal((stray as unknown[]).length, 0);

    // ids restart where the demo data ends, like on a fresh database
    const [ins] = await c.query("INSERT INTO IMMessage_3 (relateId, fromId, toId, msgId, content, type, created, updated) VALUES (3, 1, 2, 1, 'x', 1, 1, 1)");
    assert.equal((ins as mysql.ResultSetHeader).insertId, 1);
    const [u] = await c.query("INSERT INTO IMUser (name, departId, created, updated) VALUES ('dave', 1, 1, 1)");
    assert.equal((u as mysql.ResultSetHeader).insertId, 4);
    assert.ok(ms < 5000, `reset took ${ms} ms`);
  } finally {
    await c.end();
    await resetDatabase();
  }
});

test('resetDatabase({ recreate: true }) restores a table definition a test changed', async () => {
  const c = await connect();
  try {
    await c.query('ALTER TABLE IMDepart ADD COLUMN scratch INT');
    await resetDatabase({ recreate: true });
    const [cols] = await c.query(
      "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'IMDepart' AND COLUMN_NAME = 'scratch'",
      [testDb().mysql.database],
    );
    assert.equal((cols as unknown[]).length, 0);
    const [d] = await c.query('SELECT id, departName FROM IMDepart ORDER BY id');
    assert.deepEqual(d, [
      { id: 1, departName: 'Engineering' },
      { id: 2, departName: 'Sales' },
    ]);
  } finally {
    await c.end();
  }
});
