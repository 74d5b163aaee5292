// Provisioning "from nothing": with nothing answering on the configured MariaDB and Redis ports,
// provision() initialises and starts private instances in the given var dir, creates the schema and
// the demo users, and a second run reuses them. Uses the installed mariadbd/redis-server binaries on
// free ports in a temporary directory, so it never meets the shared test or production instances.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import mysql from 'mysql2/promise';
import Redis from 'ioredis';
import { provision } from '../../src/cli/provision/provision';
import { PrivateMariaDb } from '../../src/cli/provision/PrivateMariaDb';
import { PrivateRedis } from '../../src/cli/provision/PrivateRedis';
import { pidAlive, portOpen, waitUntil } from '../../src/cli/provision/probe';
import { schemaTables } from '../../src/cli/provision/Schema';
import { REDIS_POOLS } from '../../src/cli/provision/DbSettings';
import { applyOverrides, repoRoot } from '../helpers';
import { freePort } from './standInServers';

/** SIGTERM the process of a pid file and wait until it is gone (SIGKILL after the grace period). */
async function stopPid(pid: number | undefined, what: string): Promise<void> {
  if (pid === undefined || !pidAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  if (await waitUntil(async () => !pidAlive(pid), 20_000, 100)) return;
  process.kill(pid, 'SIGKILL');
  assert.fail(`${what} (pid ${pid}) did not stop on SIGTERM`);
}

test('provisioning from nothing starts private MariaDB and Redis in varDir, then reuses them', { timeout: 120_000 }, async (t) => {
  // Short path: the MariaDB socket lives under it (108-byte limit).
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-pn-'));
  const varDir = path.join(work, 'var');
  const [mysqlPort, redisPort] = [await freePort(), await freePort()];
  assert.notEqual(mysqlPort, redisPort);
  const overrides: Record<string, number> = { teamtalk_master_port: mysqlPort, teamtalk_slave_port: mysqlPort };
  for (const pool of REDIS_POOLS) overrides[`${pool}_port`] = redisPort;
  const confPath = path.join(work, 'dbproxyserver.conf');
  fs.writeFileSync(confPath, applyOverrides(fs.readFileSync(path.join(repoRoot, 'conf', 'dbproxyserver.conf'), 'utf8'), overrides));
  const maria = new PrivateMariaDb(varDir, '127.0.0.1', mysqlPort);
  const redisInst = new PrivateRedis(varDir, '127.0.0.1', redisPort);
  const said: string[] = [];
  const say = (l: string): void => { said.push(l); };
  try {
    assert.equal(await portOpen('127.0.0.1', mysqlPort), false, 'nothing on the MariaDB port before');
    assert.equal(await portOpen('127.0.0.1', redisPort), false, 'nothing on the Redis port before');

    const t0 = Date.now();
    const first = await provision({ confPath, varDir, say });
    t.diagnostic(`first provisioning (init + start + schema) took ${Date.now() - t0} ms`);
    assert.equal(first.mariadb, 'started', said.join('\n'));
    assert.equal(first.redis, 'started', said.join('\n'));
    // Everything the instances own is under varDir, none of it in the checkout's var/.
    assert.ok(fs.existsSync(path.join(varDir, 'mysql', 'data', 'mysql')), 'MariaDB data dir initialised in varDir');
    assert.ok(pidAlive(maria.readPid()), 'mariadbd pid file in varDir');
    assert.ok(pidAlive(redisInst.readPid()), 'redis pid file in varDir');
    assert.ok(fs.existsSync(path.join(varDir, 'log', 'mariadb.log')));

    const m = first.prod.mysql;
    assert.equal(m.port, mysqlPort);
    const c = await mysql.createConnection({ host: m.host, port: m.port, user: m.user, password: m.password, database: m.database });
    try {
      const [tables] = await c.query('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME', [m.database]);
      assert.deepEqual((tables as Array<{ t: string }>).map((r) => r.t), [...schemaTables()].sort());
      for (const shard of [0, 7]) assert.ok(schemaTables().includes(`IMMessage_${shard}`) && schemaTables().includes(`IMGroupMessage_${shard}`));
      const [users] = await c.query('SELECT id, name FROM IMUser ORDER BY id');
      assert.deepEqual(users, [{ id: 1, name: 'alice' }, { id: 2, name: 'bob' }, { id: 3, name: 'carol' }]);

      const r = new Redis({ host: '127.0.0.1', port: redisPort, lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await r.connect();
        assert.equal(await r.ping(), 'PONG');
      } finally {
        r.disconnect();
      }

      const pids = [maria.readPid(), redisInst.readPid()];
      const second = await provision({ confPath, varDir, say });
      assert.equal(second.mariadb, 'reused');
      assert.equal(second.redis, 'reused');
      assert.deepEqual([maria.readPid(), redisInst.readPid()], pids, 'the same processes keep running');
      const [again] = await c.query('SELECT COUNT(*) AS n FROM IMUser');
      assert.deepEqual(again, [{ n: 3 }], 'the demo data is not inserted twice');
    } finally {
      await c.end();
    }
  } finally {
    await stopPid(maria.readPid(), 'mariadbd');
    await stopPid(redisInst.readPid(), 'redis-server');
    fs.rmSync(work, { recursive: true, force: true });
  }
  assert.equal(await portOpen('127.0.0.1', mysqlPort), false, 'MariaDB stopped');
  assert.equal(await portOpen('127.0.0.1', redisPort), false, 'Redis stopped');
});
