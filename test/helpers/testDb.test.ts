import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixturesDir, repoRoot, testDb } from './index';

function withEnv(vars: Record<string, string | undefined>, fn: () => void): void {
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys(vars)) {
    saved[k] = process.env[k];
    if (vars[k] === undefined) delete process.env[k];
    else process.env[k] = vars[k];
  }
  try {
    fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test('testDb follows the TT_TEST_* variables', () => {
  withEnv(
    {
      TT_TEST_MYSQL_HOST: '127.0.0.9',
      TT_TEST_MYSQL_PORT: '3307',
      TT_TEST_MYSQL_USER: 'u1',
      TT_TEST_MYSQL_PASSWORD: 'p1',
      TT_TEST_MYSQL_DATABASE: 'other_test',
      TT_TEST_REDIS_HOST: '127.0.0.8',
      TT_TEST_REDIS_PORT: '6380',
      TT_TEST_REDIS_DB_BASE: '10',
    },
    () => {
      const t = testDb();
      assert.deepEqual(t.mysql, { host: '127.0.0.9', port: 3307, user: 'u1', password: 'p1', database: 'other_test' });
      assert.equal(t.redis.host, '127.0.0.8');
      assert.equal(t.redis.port, 6380);
      assert.deepEqual(Object.values(t.redis.dbs).sort((a, b) => a - b), [10, 11, 12, 13, 14]);
    },
  );
});

test('without variables testDb uses the provisioned test database, never the production one', () => {
  const vars = ['HOST', 'PORT', 'USER', 'PASSWORD', 'DATABASE'].map((k) => `TT_TEST_MYSQL_${k}`);
  withEnv(Object.fromEntries([...vars, 'TT_TEST_REDIS_DB_BASE'].map((k) => [k, undefined])), () => {
    const t = testDb();
    assert.equal(t.mysql.database, 'teamtalk_test');
    assert.equal(t.redis.dbBase, 8);
  });
  withEnv({ TT_TEST_MYSQL_DATABASE: 'teamtalk' }, () => assert.throws(() => testDb(), /production database/));
  withEnv({ TT_TEST_REDIS_DB_BASE: 'eight' }, () => assert.throws(() => testDb(), /TT_TEST_REDIS_DB_BASE/));
});

test('repoRoot and fixturesDir point at the repository and the golden transcripts', () => {
  assert.ok(fs.existsSync(path.join(repoRoot, 'package.json')));
  assert.ok(fs.existsSync(path.join(repoRoot, 'conf', 'msgserver.conf')));
  assert.ok(fs.existsSync(path.join(fixturesDir, 'index.json')), `fixtures at ${fixturesDir}`);
});
