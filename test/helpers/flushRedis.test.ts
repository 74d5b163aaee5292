import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import Redis from 'ioredis';
import { flushRedis, testDb } from './index';
import { dbSettingsFromConf } from '../../src/cli/provision/DbSettings';
import { ConfFile } from '../../src/conf/ConfFile';
import * as path from 'node:path';
import { repoRoot } from './index';

test('flushRedis empties the five test dbs and leaves the production dbs alone', async () => {
  const { redis } = testDb();
  const prodDbs = Object.values(dbSettingsFromConf(ConfFile.load(path.join(repoRoot, 'conf', 'dbproxyserver.conf'))).redis.dbs);
  const testDbs = Object.values(redis.dbs);
  assert.equal(new Set(testDbs).size, 5);
  for (const d of testDbs) assert.ok(!prodDbs.includes(d), `test db ${d} is not a production db`);

  const r = new Redis({ host: redis.host, port: redis.port, lazyConnect: true });
  await r.connect();
  const sentinel = `tt_test_sentinel_${crypto.randomUUID()}`;
  try {
    for (const d of testDbs) {
      await r.select(d);
      await r.set(`k${d}`, 'v');
    }
    await r.select(prodDbs[0]!);
    await r.set(sentinel, '1');

    await flushRedis();

    for (const d of testDbs) {
      await r.select(d);
      assert.equal(await r.dbsize(), 0, `db ${d} flushed`);
    }
    await r.select(prodDbs[0]!);
    assert.equal(await r.get(sentinel), '1');
  } finally {
    await r.select(prodDbs[0]!);
    await r.del(sentinel);
    r.disconnect();
  }
});
