import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import mysql from 'mysql2/promise';
import { provision } from '../../src/cli/provision/provision';
import { applyOverrides, repoRoot } from '../helpers';

const DB = 'teamtalk_provtest';

function conf(overrides: Record<string, string | number>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-prov-'));
  const file = path.join(dir, 'dbproxyserver.conf');
  const text = fs.readFileSync(path.join(repoRoot, 'conf', 'dbproxyserver.conf'), 'utf8');
  fs.writeFileSync(file, applyOverrides(text, overrides));
  return file;
}

test('provisioning is idempotent: a second run reuses the servers and never overwrites data', async () => {
  const file = conf({ teamtalk_master_dbname: DB, teamtalk_slave_dbname: DB });
  const quiet = (): void => undefined;
  const first = await provision({ confPath: file, say: quiet });
  const m = first.prod.mysql;
  assert.equal(m.database, DB);
  const c = await mysql.createConnection({ host: m.host, port: m.port, user: m.user, password: m.password, database: DB });
  try {
    const [tables] = await c.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [DB]);
    assert.equal((tables as Array<{ n: number }>)[0]!.n, 26);
    await c.query("UPDATE IMUser SET nick = 'Alice2' WHERE id = 1");
    await c.query("INSERT INTO IMUser (name, departId, created, updated) VALUES ('dave', 1, 1, 1)");

    const second = await provision({ confPath: file, say: quiet });
    assert.equal(second.mariadb, 'reused');
    assert.equal(second.redis, 'reused');
    const [users] = await c.query('SELECT id, nick FROM IMUser ORDER BY id');
    assert.deepEqual(users, [
      { id: 1, nick: 'Alice2' },
      { id: 2, nick: 'Bob' },
      { id: 3, nick: 'Carol' },
      { id: 4, nick: '' },
    ]);
  } finally {
    await c.query(`DROP DATABASE IF EXISTS \`${DB}\``);
    await c.end();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

test('provisioning refuses test Redis dbs that overlap production and unsafe database names', async () => {
  const quiet = (): void => undefined;
  const file = conf({});
  try {
    await assert.rejects(provision({ confPath: file, testRedisDbBase: 3, say: quiet }), /overlap production/);
    await assert.rejects(provision({ confPath: file, test: true, testDatabase: 'x`; DROP', say: quiet }), /must match/);
    const bad = conf({ teamtalk_master_dbname: 'a-b' });
    await assert.rejects(provision({ confPath: bad, say: quiet }), /database "a-b" must match/);
    fs.rmSync(path.dirname(bad), { recursive: true, force: true });
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});
