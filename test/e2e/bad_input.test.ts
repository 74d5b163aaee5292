// Bad input on the client port: garbage, oversize frames, undecodable bodies, requests before login,
// a message flood and thousands of connections that never log in. The offender is closed (or
// throttled) with a log line; everyone else keeps working: a bystander's 1:1 message still goes
// round (send, store ack, delivery to the peer) during and after each attack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { resetDatabase, flushRedis } from '../helpers';
import { captureLog, until } from '../net/support/transports';
import { Cid } from '../../src/pdu/commands';
import { encodeFrame } from '../../src/pdu/Pdu';
import { IM } from '../../src/pdu/gen/im';
import type { TtClient } from '../../src/client/TtClient';
import { TestSystem, sleep } from './TestSystem';

const LOGIN_DEADLINE_MS = 3000;
/** Idle connections in the storm: both ends live in this process (4,000 descriptors of the 20,000 allowed). */
const STORM = 2000;
const ALICE = 1;
const CAROL = 3;

const cap = captureLog();
let sys: TestSystem;
/** carol: the bystander whose messages must keep flowing; alice: her peer. */
let bystander: TtClient;
let peer: TtClient;

before(async () => {
  await resetDatabase();
  await flushRedis();
  sys = await TestSystem.start({ msgOverrides: { LoginDeadlineMs: LOGIN_DEADLINE_MS }, msgLog: cap.log });
  bystander = await sys.loggedIn('carol');
  peer = await sys.loggedIn('alice');
});

after(async () => {
  await sys?.stop();
});

/** msg_server log lines with this message so far. */
function logged(msg: string): number {
  return cap.lines.filter((l) => l.msg === msg).length;
}

/** A raw socket; resolves when connected, `closed` when the server closes it. */
function rawConn(): Promise<{ s: net.Socket; closed: Promise<void>; openedAt: number }> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: sys.msgPort() }, () => resolve({ s, closed, openedAt: Date.now() }));
    const closed = new Promise<void>((res) => s.on('close', () => res()));
    s.on('error', () => undefined);
    s.once('error', reject);
  });
}

async function closedWithin(closed: Promise<void>, ms: number): Promise<boolean> {
  return Promise.race([closed.then(() => true), sleep(ms).then(() => false)]);
}

let pings = 0;
/** The bystander's 1:1 message is stored (ack), delivered to the peer, and acked by the peer. */
async function bystanderWorks(): Promise<void> {
  const text = `still here ${++pings}`;
  const ack = await bystander.sendText(ALICE, text, { timeoutMs: 3000 });
  assert.ok(ack.msgId > 0, 'stored');
  const got = await peer.receiveText((m) => m.fromUserId === CAROL && m.msgId === ack.msgId, 3000);
  assert.equal(got.text, text);
  peer.ackDelivery(got.msg);
  assert.equal(bystander.closed || peer.closed, false);
}

test('a length field below 16 closes that connection only', async () => {
  const n = logged('bad frame; closing connection');
  const { s, closed } = await rawConn();
  s.write(Buffer.from('000000050001000000070701000100000000', 'hex'));
  assert.ok(await closedWithin(closed, 2000), 'closed by the server');
  assert.equal(logged('bad frame; closing connection'), n + 1);
  await bystanderWorks();
});

test('plain garbage (an HTTP request) closes that connection', async () => {
  const n = logged('bad frame; closing connection');
  const { s, closed } = await rawConn();
  s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.ok(await closedWithin(closed, 2000));
  assert.equal(logged('bad frame; closing connection'), n + 1);
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
  const n = logged('malformed PDU; closing connection');
  const { s, closed } = await rawConn();
  s.write(encodeFrame(Cid.CID_LOGIN_REQ_USERLOGIN, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff])));
  assert.ok(await closedWithin(closed, 2000));
  assert.equal(logged('malformed PDU; closing connection'), n + 1);
  await bystanderWorks();
});

test('a request other than login or heartbeat before login closes the connection with a log line', async () => {
  const n = logged('request before login; closing connection');
  const { s, closed } = await rawConn();
  s.write(encodeFrame(Cid.CID_MSG_DATA, Buffer.alloc(0)));
  assert.ok(await closedWithin(closed, 2000));
  assert.equal(logged('request before login; closing connection'), n + 1);
  await bystanderWorks();
});

test('an unknown command after login is logged and dropped; the connection stays', async () => {
  const n = logged('command not handled by msg_server; dropped');
  peer.sendRaw(encodeFrame(0x0999, Buffer.alloc(0), { seq: 77 }));
  const seq = peer.heartbeat();
  await peer.waitFor(Cid.CID_OTHER_HEARTBEAT, (p) => p.header.seq === seq, 2000);
  assert.equal(peer.closed, false);
  assert.equal(logged('command not handled by msg_server; dropped'), n + 1);
  await bystanderWorks();
});

/** Ack count of what a client sent so far, once the server has had time to answer. */
async function drainAcks(c: TtClient): Promise<number> {
  let acks = 0;
  while (await c.receives(Cid.CID_MSG_DATA_ACK, 100)) {
    await c.waitFor(Cid.CID_MSG_DATA_ACK);
    acks++;
  }
  return acks;
}

test('a burst of messages is rate limited to 20 per second per connection', async () => {
  const n = logged('message rate limit reached; dropping for the rest of this second');
  const bob = await sys.loggedIn('bob');
  for (let i = 0; i < 100; i++) bob.sendTextNoWait(CAROL, `m${i}`);
  await sleep(700);
  const acks = await drainAcks(bob);
  assert.ok(acks >= 20 && acks <= 40, `acks: ${acks} (the limit applies per one-second tick)`);
  assert.equal(bob.closed, false, 'throttled, not closed');
  assert.ok(logged('message rate limit reached; dropping for the rest of this second') > n, 'the throttling is logged');
  await sleep(1100);
  const ack = await bob.sendText(CAROL, 'after the burst');
  assert.ok(ack.msgId > 0, 'the next second accepts messages again');
  await bob.close();
});

test('the limit counts per connection (servers.md §4.9), not per user: two terminals of one user get 20 each', async () => {
  const pc = await sys.loggedIn('bob');
  const mobile = await sys.loggedIn('bob', 0, IM.BaseDefine.ClientType.CLIENT_TYPE_ANDROID);
  assert.equal(pc.closed, false, 'a mobile login does not kick the PC terminal');
  await sleep(100);
  for (let i = 0; i < 30; i++) { pc.sendTextNoWait(CAROL, `pc${i}`); mobile.sendTextNoWait(CAROL, `mobile${i}`); }
  await sleep(700);
  const [a, b] = [await drainAcks(pc), await drainAcks(mobile)];
  assert.ok(a >= 20 && b >= 20, `acks: pc ${a}, mobile ${b} (a per-user limit would allow 20 in all)`);
  await pc.close();
  await mobile.close();
});

test('a flood far over the limit closes the flooding connection; the bystander\'s messages flow meanwhile', async () => {
  const n = logged('message flood; closing connection');
  const bob = await sys.loggedIn('bob');
  await sleep(100);
  for (let i = 0; i < 600; i++) bob.sendTextNoWait(CAROL, 'flood');
  const during = bystanderWorks();
  assert.ok(await closedWithin(bob.closedPromise, 3000), 'flooder closed');
  await during;
  assert.equal(logged('message flood; closing connection'), n + 1);
  await bystanderWorks();
});

test(`${STORM} connections that never log in are closed after the login deadline with a log line; logged-in users are unaffected`, async () => {
  const server = sys.msgs[0]!.server;
  const baseline = server.conns.size;
  const n = logged('not logged in within the login deadline; closing');
  const idle: Array<{ closed: Promise<void>; openedAt: number; closedAt: number }> = [];
  const t0 = Date.now();
  // In batches, so the listen backlog never overflows (a dropped SYN costs a 1 s retransmit).
  for (let i = 0; i < STORM; i += 250) {
    const batch = await Promise.all(Array.from({ length: Math.min(250, STORM - i) }, () => rawConn()));
    for (const b of batch) {
      const entry = { closed: b.closed, openedAt: b.openedAt, closedAt: 0 };
      void b.closed.then(() => { entry.closedAt = Date.now(); });
      idle.push(entry);
    }
    if (i === 1000) await bystanderWorks();
  }
  const openMs = Date.now() - t0;
  assert.ok(openMs < LOGIN_DEADLINE_MS, `the storm opened within the deadline (${openMs} ms)`);
  await until(() => server.conns.size === baseline + STORM, 2000, 'msg_server to hold every idle connection');
  await bystanderWorks();

  for (const c of idle) assert.ok(await closedWithin(c.closed, LOGIN_DEADLINE_MS + 3000), 'idle connection closed');
  const earliest = Math.min(...idle.map((c) => c.closedAt - c.openedAt));
  assert.ok(earliest >= LOGIN_DEADLINE_MS - 200, `not before the deadline (earliest close after ${earliest} ms)`);
  await until(() => server.conns.size === baseline, 2000, 'the connection count to return to its baseline');
  assert.equal(logged('not logged in within the login deadline; closing'), n + STORM, 'one log line per closed connection');
  await bystanderWorks();
});
