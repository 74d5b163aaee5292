import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ConfFile } from '../../src/conf/ConfFile';
import * as path from 'node:path';
import { applyOverrides, repoRoot, testDb, writeTestConf } from './index';

test('writeTestConf(db_proxy) points both MySQL pools and all Redis pools at the test settings', () => {
  const t = testDb();
  const conf = ConfFile.load(writeTestConf('db_proxy'));
  assert.equal(conf.port('ListenPort'), 0);
  for (const p of ['teamtalk_master', 'teamtalk_slave']) {
    assert.equal(conf.str(`${p}_dbname`), t.mysql.database);
    assert.equal(conf.port(`${p}_port`), t.mysql.port);
  }
  for (const [pool, db] of Object.entries(t.redis.dbs)) {
    assert.equal(conf.int(`${pool}_db`), db);
    assert.equal(conf.port(`${pool}_port`), t.redis.port);
  }
  // untouched keys keep the shipped values
  assert.equal(conf.str('aesKey'), ConfFile.load(path.join(repoRoot, 'conf', 'dbproxyserver.conf')).str('aesKey'));
});

test('writeTestConf sets every listener to port 0 and applies overrides in place', () => {
  const login = ConfFile.load(writeTestConf('login_server'));
  for (const k of ['ClientPort', 'HttpPort', 'MsgServerPort']) assert.equal(login.port(k), 0);

  const file = writeTestConf('msg', { DBServerPort1: 12345, LoginServerIP1: null, NewKey: 'x' });
  const msg = ConfFile.load(file);
  assert.equal(msg.port('ListenPort'), 0);
  assert.equal(msg.port('DBServerPort1'), 12345);
  assert.equal(msg.has('LoginServerIP1'), false);
  assert.equal(msg.str('NewKey'), 'x');
  assert.equal(fs.readFileSync(file, 'utf8').match(/^DBServerPort1=/gm)?.length, 1);
  assert.throws(() => writeTestConf('no_such_server'), /unknown server kind/);
});

test('applyOverrides replaces the effective (first) occurrence and keeps comments', () => {
  const out = applyOverrides('# c\nA=1 # note\nA=2\nB=3\n', { A: 9, C: 4 });
  const conf = ConfFile.parse(out);
  assert.equal(conf.int('A'), 9);
  assert.equal(conf.int('B'), 3);
  assert.equal(conf.int('C'), 4);
  assert.match(out, /^# c$/m);
});
