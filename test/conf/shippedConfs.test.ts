import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfFile } from '../../src/conf/ConfFile';
import { SERVERS } from '../../src/cli/serverCatalog';
import { repoRoot } from '../helpers';

const load = (f: string): ConfFile => ConfFile.load(path.join(repoRoot, 'conf', f));

// The original sample ports (servers.md §0, edge.md §6.6).
const PORTS: Array<[string, string, number]> = [
  ['loginserver.conf', 'HttpPort', 8080],
  ['loginserver.conf', 'ClientPort', 8008],
  ['loginserver.conf', 'MsgServerPort', 8100],
  ['msgserver.conf', 'ListenPort', 8000],
  ['routeserver.conf', 'ListenMsgPort', 8200],
  ['dbproxyserver.conf', 'ListenPort', 10600],
  ['fileserver.conf', 'ClientListenPort', 8600],
  ['fileserver.conf', 'MsgServerListenPort', 8601],
  ['pushserver.conf', 'ListenPort', 8500],
  ['msfs.conf', 'ListenPort', 8700],
  ['httpmsgserver.conf', 'ListenPort', 8400],
];

test('every server has its conf file, listening on loopback only, on the original ports', () => {
  for (const s of SERVERS) assert.ok(fs.existsSync(path.join(repoRoot, 'conf', s.confFile)), s.confFile);
  for (const [file, key, port] of PORTS) assert.equal(load(file).port(key), port, `${file} ${key}`);
  for (const s of SERVERS) {
    const c = load(s.confFile);
    for (const key of c.keys().filter((k) => /IP\d*$|Ip$|_host$|IpAddr\d$/.test(k))) {
      for (const ip of c.ipList(key)) assert.match(ip, /^127\.\d+\.\d+\.\d+$/, `${s.confFile} ${key}=${ip}`);
    }
  }
});

test('msgserver.conf lists two db_proxies and links file_server on its msg_server port 8601', () => {
  const c = load('msgserver.conf');
  assert.ok(c.endpoints('DBServerIP', 'DBServerPort').length >= 2);
  assert.deepEqual(c.endpoints('FileServerIP', 'FileServerPort'), [{ host: '127.0.0.1', port: load('fileserver.conf').port('MsgServerListenPort') }]);
  assert.equal(c.endpoints('LoginServerIP', 'LoginServerPort')[0]!.port, load('loginserver.conf').port('MsgServerPort'));
  assert.equal(c.endpoints('RouteServerIP', 'RouteServerPort')[0]!.port, load('routeserver.conf').port('ListenMsgPort'));
  assert.equal(c.endpoints('PushServerIP', 'PushServerPort')[0]!.port, load('pushserver.conf').port('ListenPort'));
  assert.equal(c.str('aesKey').length, 32);
  assert.ok(c.has('IpAddr1') && c.has('MaxConnCnt') && c.has('ConcurrentDBConnCnt'));
});

test('dbproxyserver.conf has the two MySQL pools and the five Redis pools with every per-pool key', () => {
  const c = load('dbproxyserver.conf');
  assert.deepEqual(c.nameList('DBInstances'), ['teamtalk_master', 'teamtalk_slave']);
  for (const p of c.nameList('DBInstances')) {
    for (const k of ['host', 'port', 'dbname', 'username', 'password', 'maxconncnt']) assert.ok(c.has(`${p}_${k}`), `${p}_${k}`);
    assert.equal(c.str(`${p}_dbname`), 'teamtalk');
    assert.equal(c.port(`${p}_port`), 13306);
  }
  assert.deepEqual([...c.nameList('CacheInstances')].sort(), ['group_member', 'group_set', 'sync', 'token', 'unread']);
  const dbs = new Set<number>();
  for (const p of c.nameList('CacheInstances')) {
    for (const k of ['host', 'port', 'db', 'maxconncnt']) assert.ok(c.has(`${p}_${k}`), `${p}_${k}`);
    assert.equal(c.port(`${p}_port`), 16379);
    dbs.add(c.int(`${p}_db`));
  }
  for (const k of ['ListenIP', 'ListenPort', 'ThreadNum', 'MsfsSite', 'aesKey']) assert.ok(c.has(k), k);
  assert.equal(c.str('aesKey'), '12345678901234567890123456789012');
  assert.match(c.str('MsfsSite'), /^http:\/\/127\.0\.0\.1:8700/);
});

test('the other servers carry every key their original reads', () => {
  const need: Record<string, string[]> = {
    'loginserver.conf': ['ClientListenIP', 'ClientPort', 'HttpListenIP', 'HttpPort', 'MsgServerListenIP', 'MsgServerPort', 'msfs', 'discovery'],
    'routeserver.conf': ['ListenIP', 'ListenMsgPort'],
    'fileserver.conf': ['ClientListenIP', 'ClientListenPort', 'MsgServerListenIP', 'MsgServerListenPort', 'TaskTimeout'],
    'msfs.conf': ['ListenIP', 'ListenPort', 'BaseDir', 'FileCnt', 'FilesPerDir', 'GetThreadCount', 'PostThreadCount'],
    'httpmsgserver.conf': ['ListenIP', 'ListenPort', 'ConcurrentDBConnCnt', 'DBServerIP1', 'DBServerPort1', 'DBServerIP2', 'DBServerPort2', 'RouteServerIP1', 'RouteServerPort1'],
    'pushserver.conf': ['ListenIP', 'ListenPort', 'CertPath', 'KeyPath', 'KeyPassword', 'SandBox'],
  };
  for (const [file, keys] of Object.entries(need)) {
    const c = load(file);
    for (const k of keys) assert.ok(c.has(k), `${file}: ${k}`);
  }
  assert.ok(load('msfs.conf').int('FilesPerDir') > 0);
});
