import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfError } from '../../src/conf/ConfError';
import { loadDbProxyConfig } from '../../src/servers/db_proxy/DbProxyConfig';
import { writeTestConf } from '../helpers';

test('the shipped configuration loads: pools, roles, MsfsSite with "/" appended', () => {
  const cfg = loadDbProxyConfig(writeTestConf('db_proxy'));
  assert.equal(cfg.master.name, 'teamtalk_master');
  assert.equal(cfg.slave.name, 'teamtalk_slave');
  assert.ok(cfg.redis.unread && cfg.redis.group_member && cfg.redis.token && cfg.redis.group_set);
  assert.ok(cfg.msfsSite.endsWith('/'));
  assert.equal(cfg.mysqlAcquireTimeoutMs, 5000, 'new settings are optional with defaults');
  assert.equal(cfg.mysqlStatementTimeoutMs, 10_000);
});

test('an aesKey that is not 32 characters, a missing pool or a missing role key is a ConfError naming the key', () => {
  const cases: Array<[Record<string, string | null>, string]> = [
    [{ aesKey: 'short' }, 'aesKey'],
    [{ DBInstances: 'teamtalk_master' }, 'DBInstances'],
    [{ unread_port: null }, 'unread_port'],
    [{ ListenPort: null }, 'ListenPort'],
  ];
  for (const [o, key] of cases) {
    assert.throws(() => loadDbProxyConfig(writeTestConf('db_proxy', o)), (e: unknown) => e instanceof ConfError && e.key === key, key);
  }
});
