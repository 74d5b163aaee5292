// Bad input on the client port: garbage, oversize frames, undecodable bodies, a message flood and
// connections that never log in. The offender is closed (or throttled) with a log line; everyone
// else keeps working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { resetDatabase, flushRedis } from '../helpers';
import { Cid } from '../../src/pdu/commands';
import { encodeFrame } from '../../src/pdu/Pdu';
import type { TtClient } from '../../src/client/TtClient';
import { TestSystem, sleep } from './TestSystem';

const LOGIN_DEADLINE_MS = 1500;
let sys: TestSystem;
let bystander: TtClient;

before(async () => {
  await resetDatabase();
  await flushRedis();
  sys = await TestSystem.start({ msgOverrides: { LoginDeadlineMs: LOGIN_DEADLINE_MS } });
  bystander = await sys.loggedIn('carol');
});

after(async () => {
  await sys?.stop();
});

/** A raw socket; resolves when the server closes it (or rejects after ms). */
function rawConn(): Promise<{ s: net.Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: sys.msgPort() }, () => resolve({ s, closed }));
    const closed = new Promise<void>((res) => s.on('close', () => res()));
    s.on('error', () => undefined);
    s.once('error', reject);
  });
}

async function closedWithin(closed: Promise<void>, ms: number): Promise<boolean> {
  return Promise.race([closed.then(() => true), sleep(ms).then(() => false)]);
}

/** The bystander still gets answers: the server as a whole is fine. */
async function bystanderWorks(): Promise<void> {
  const seq = bystander.heartbeat();
  const echo = await bystander.waitFor(Cid.CID_OTHER_HEARTBEAT, (p) => p.header.seq === seq, 2000);
  assert.equal(echo.header.seq, seq);
}

test('a length field below 16 closes that connection only', async () => {
  const { s, closed } = await rawConn();
  s.write(Buffer.from('000000050001000000070701000100000000', 'hex'));
  assert.ok(await closedWithin(closed, 2000), 'closed by the server');
  await bystanderWorks();
});

test('plain garbage (an HTTP request) closes that connection', async () => {
  const { s, closed } = await rawConn();
  s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.ok(await closedWithin(closed, 2000));
  await bystanderWorks();
});

test('a frame announcing more than 4 MiB is refused at its header, before any body arrives', async () => {
  const { s, closed } = await rawConn();
  const h = Buffer.alloc(16);
  h.writeUInt32BE(5 * 1024 * 1024, 0);
  h.writeUInt16BE(1, 4); h.writeUInt16BE(1, 8); h.writeUInt16BE(Cid.CID_LOGIN_REQ_USERLOGIN, 10);
  s.write(h);
  assert.ok(await closedWithin(closed, 2000));
  await bystanderWorks();
});

test('a login request whose body is not protobuf closes the connection', async () => {
  const { s, closed } = await rawConn();
  s.write(encodeFrame(Cid.CID_LOGIN_REQ_USERLOGIN, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff])));
  assert.ok(await closedWithin(closed, 2000));
  await bystanderWorks();
});

test('an unknown command after login is logged and dropped; the connection stays', async () => {
  const alice = await sys.loggedIn('alice');
  alice.sendRaw(encodeFrame(0x0999, Buffer.alloc(0), { seq: 77 }));
  const seq = alice.heartbeat();
  await alice.waitFor(Cid.CID_OTHER_HEARTBEAT, (p) => p.header.seq === seq, 2000);
  assert.equal(alice.closed, false);
  await alice.close();
});

test('a burst of messages is rate limited to 20 per second per connection', async () => {
  const bob = await sys.loggedIn('bob');
  const seqs: number[] = [];
  for (let i = 0; i < 100; i++) seqs.push(bob.sendTextNoWait(3, `m${i}`));
  await sleep(700);
  let acks = 0;
  while (await bob.receives(Cid.CID_MSG_DATA_ACK, 50)) {
    await bob.waitFor(Cid.CID_MSG_DATA_ACK);
    acks++;
  }
  assert.ok(acks >= 20 && acks <= 40, `acks: ${acks} (the limit applies per one-second tick)`);
  assert.equal(bob.closed, false, 'throttled, not closed');
  await sleep(1100);
  const ack = await bob.sendText(3, 'after the burst');
  assert.ok(ack.msgId > 0, 'the next second accepts messages again');
  await bob.close();
});

test('a flood far over the limit closes the flooding connection', async () => {
  const bob = await sys.loggedIn('bob');
  for (let i = 0; i < 600; i++) bob.sendTextNoWait(3, 'flood');
  assert.ok(await closedWithin(bob.closedPromise, 3000), 'flooder closed');
  await bystanderWorks();
});

test('connections that never log in are closed after the login deadline; logged-in users are unaffected', async () => {
  const idle = await Promise.all(Array.from({ length: 40 }, () => rawConn()));
  const t0 = Date.now();
  for (const { closed } of idle) assert.ok(await closedWithin(closed, LOGIN_DEADLINE_MS + 3000), 'idle connection closed');
  assert.ok(Date.now() - t0 >= LOGIN_DEADLINE_MS - 200, 'not before the deadline');
  await bystanderWorks();
});
