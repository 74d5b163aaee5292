import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { writeTestConf } from '../helpers';
import { runTt, waitFor, writeStandIns } from './standInServers';

const dir = writeStandIns(['route']);
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('tt <server> prints a configuration error naming file and key and exits 2', async () => {
  const conf = writeTestConf('route', { ListenMsgPort: null });
  const p = runTt(['route', '--conf', conf], dir);
  const { code } = await p.exited;
  assert.equal(code, 2, p.out());
  assert.ok(p.out().includes(conf), p.out());
  assert.match(p.out(), /ListenMsgPort: missing/);
});

test('tt <server> runs the server, and SIGTERM stops it and exits 0', async () => {
  const conf = writeTestConf('route_server');
  const pidFile = `${conf}.pid`;
  const p = runTt(['route_server', '--conf', conf, '--pid-file', pidFile], dir);
  const m = await waitFor(p, /"listen":(\d+)/);
  const port = Number(m[1]);
  // a real listener is up
  const greeting = await new Promise<string>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('data', (b) => resolve(b.toString()));
    s.once('error', reject);
  });
  assert.equal(greeting, 'route\n');
  assert.equal(fs.readFileSync(pidFile, 'utf8').trim(), String(p.child.pid));
  p.child.kill('SIGTERM');
  const { code } = await p.exited;
  assert.equal(code, 0, p.out());
  assert.equal(fs.readFileSync(`${conf}.stopped`, 'utf8'), String(p.child.pid));
  assert.equal(fs.existsSync(pidFile), false);
});

test('an unhandled rejection is logged and ends the process non-zero', async () => {
  const conf = writeTestConf('route', { StandIn: 'reject' });
  const p = runTt(['route', '--conf', conf], dir);
  const { code } = await p.exited;
  assert.notEqual(code, 0);
  assert.match(p.out(), /unhandled promise rejection/);
  assert.match(p.out(), /stand-in boom/);
});

test('a server whose stop() hangs is ended after the stop timeout on a second signal', async () => {
  const conf = writeTestConf('route', { StandIn: 'hang-stop' });
  const p = runTt(['route', '--conf', conf], dir);
  await waitFor(p, /route started/);
  p.child.kill('SIGINT');
  await waitFor(p, /SIGINT: stopping/);
  p.child.kill('SIGINT');
  const { code } = await p.exited;
  assert.equal(code, 1, p.out());
});

test('a server that is not built is reported, exit 1', async () => {
  const p = runTt(['msg', '--conf', writeTestConf('msg')], dir);
  const { code } = await p.exited;
  assert.equal(code, 1);
  assert.match(p.out(), new RegExp(`msg is not built \\(no ${path.join(dir, 'msg', 'index.js').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
});
