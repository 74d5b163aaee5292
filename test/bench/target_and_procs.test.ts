import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { spawn } from 'node:child_process';
import { lookupMsgServer, parseLookupReply, parseTarget } from '../../bench/suite/Target';
import { parseMysqlSpec } from '../../bench/suite/MysqlSpec';
import { cmdlineIsRole, cpuSeconds, findPids, rssKiB } from '../../bench/suite/ServerProcs';

test('--target takes a login_server URL or a msg_server host:port', () => {
  assert.deepEqual(parseTarget('http://127.0.0.1:8080/msg_server'), { kind: 'http', url: 'http://127.0.0.1:8080/msg_server' });
  assert.deepEqual(parseTarget('http://127.0.0.1:8080'), { kind: 'http', url: 'http://127.0.0.1:8080/msg_server' });
  assert.deepEqual(parseTarget('127.0.0.1:8000'), { kind: 'direct', host: '127.0.0.1', port: 8000 });
  assert.throws(() => parseTarget('127.0.0.1'), /host:port/);
  assert.throws(() => parseTarget('https://x/msg_server'), /plain HTTP/);
  assert.throws(() => parseTarget('h:70000'), /bad port/);
});

test('--mysql keeps colons inside the password', () => {
  assert.deepEqual(parseMysqlSpec('127.0.0.1:3306:root:a:b:teamtalk'), { host: '127.0.0.1', port: 3306, user: 'root', password: 'a:b', database: 'teamtalk' });
  assert.throws(() => parseMysqlSpec('h:3306:u:db'), /expected/);
});

test('the lookup reply: port as a string (the original) or a number; non-zero codes fail', () => {
  const orig = '{\n   "backupIP" : "127.0.0.1",\n   "code" : 0,\n   "port" : "8000",\n   "priorIP" : "127.0.0.2"\n}\n';
  assert.deepEqual(parseLookupReply(orig), { host: '127.0.0.2', port: 8000 });
  assert.deepEqual(parseLookupReply('{"code":0,"priorIP":"10.0.0.1","port":8001}'), { host: '10.0.0.1', port: 8001 });
  assert.throws(() => parseLookupReply('{\n   "code" : 1,\n   "msg" : "没有msg_server"\n}\n'), /code-1.*没有msg_server/);
  assert.throws(() => parseLookupReply('{"code":0,"priorIP":"x","port":"eighty"}'), /bad-reply/);
  assert.throws(() => parseLookupReply('<html>'), /bad-json/);
});

test('the lookup goes over real HTTP and reads a Connection:close reply like login_server\'s', async () => {
  const body = '{\n   "code" : 0,\n   "port" : "8123",\n   "priorIP" : "127.0.0.1"\n}\n';
  const server = http.createServer((req, res) => {
    assert.equal(req.url, '/msg_server');
    res.writeHead(200, { Connection: 'close', 'Content-Length': Buffer.byteLength(body), 'Content-Type': 'text/html;charset=utf-8' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as { port: number }).port;
    assert.deepEqual(await lookupMsgServer(`http://127.0.0.1:${port}/msg_server`), { host: '127.0.0.1', port: 8123 });
  } finally {
    server.close();
  }
});

test('server processes are found by their command line, ours and the original\'s', async () => {
  assert.ok(cmdlineIsRole(['node', '/x/dist/src/cli/tt.js', 'msg', '--conf', 'c'], 'msg'));
  assert.ok(!cmdlineIsRole(['node', '/x/dist/src/cli/tt.js', 'msgx'], 'msg'));
  assert.ok(cmdlineIsRole(['./route_server'], 'route'));
  assert.ok(!cmdlineIsRole(['node', 'tt.js', 'route'], 'msg'));
  // a real process that looks like `tt.js route` is found in /proc and measured
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)', 'tt.js', 'route'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 200));
    // node -e puts its own args first; argv as seen in /proc: node -e <code> tt.js route
    assert.ok(findPids('route').includes(child.pid!));
    assert.ok((rssKiB(child.pid!) ?? 0) > 1000);
    assert.ok((cpuSeconds(child.pid!) ?? -1) >= 0);
  } finally {
    child.kill();
  }
  assert.equal(rssKiB(2 ** 22 + 7), undefined);
});
