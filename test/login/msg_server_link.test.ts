// servers.md §3.2: msg_servers register over MsgServerPort; count updates steer the HTTP answer;
// heartbeats every 5 s when idle, 30 s silence closes the link, and a closed link is unregistered.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { encodeFrame } from '../../src/pdu/Pdu';
import { nowMs } from '../../src/util/clock';
import { LoginHarness, PduPeer, splitReply, waitFor } from './support/loginHarness';

let h: LoginHarness;
before(async () => { h = await LoginHarness.start(); });
after(() => h.stop());

const chosenPort = async (): Promise<string> => (JSON.parse(splitReply(await h.http('GET /msg_server HTTP/1.1\r\n\r\n')).body) as { port: string }).port;

test('the least loaded registered msg_server is handed out, following every count update', async () => {
  const m1 = await h.register({ ip1: '127.0.0.1', ip2: '127.0.0.1', port: 8001, maxConnCnt: 100, curConnCnt: 2 });
  const m2 = await h.register({ ip1: '127.0.0.1', ip2: '127.0.0.1', port: 8002, maxConnCnt: 100, curConnCnt: 1 });
  assert.equal(await chosenPort(), '8002');
  await h.countUpdate(m2, 1, 10, 1);          // 2 vs 2: the older link wins the tie
  assert.equal(await chosenPort(), '8001');
  await h.countUpdate(m1, 1, 11, 1);          // 3 vs 2
  assert.equal(await chosenPort(), '8002');
  await h.countUpdate(m2, 1, 12, 1);
  await h.countUpdate(m2, 1, 13, 1);          // 3 vs 4
  assert.equal(await chosenPort(), '8001');
  assert.equal(h.server.registry.total, 7);
  m1.close();
  await waitFor(() => h.server.registry.size === 1, 'unregistration');
  assert.equal(await chosenPort(), '8002');
  assert.equal(h.server.registry.total, 4);
  m2.close();
  await waitFor(() => h.server.registry.size === 0, 'unregistration');
});

test('count updates before registration and unknown actions change nothing; heartbeats are not echoed', async () => {
  const p = await h.connect('msgServer');
  p.send(Cid.CID_OTHER_USER_CNT_UPDATE, Buffer.from('08011005', 'hex'));
  p.send(Cid.CID_OTHER_HEARTBEAT, Buffer.alloc(0));
  const m = await h.register({ ip1: '127.0.0.1', ip2: '127.0.0.1', port: 8003, maxConnCnt: 100, curConnCnt: 0 });
  p.send(Cid.CID_OTHER_USER_CNT_UPDATE, Buffer.from('08011005', 'hex'));
  await h.countUpdate(m, 9, 5, 0);
  await h.countUpdate(m, 1, 5, 1); // the barrier: everything before it was handled
  assert.equal(h.server.registry.total, 1);
  assert.deepEqual(p.drain(), []);
  assert.equal(p.isEnded, false);
  m.close(); p.close();
  await waitFor(() => h.server.registry.size === 0, 'unregistration');
});

test('idle links get a heartbeat after 5 s; a link silent for 30 s is closed and unregistered', async () => {
  const m = await h.register({ ip1: '127.0.0.1', ip2: '127.0.0.1', port: 8004, maxConnCnt: 100, curConnCnt: 0 });
  h.server.ticker.tick(nowMs() + 6_000);
  assert.equal((await m.next(Cid.CID_OTHER_HEARTBEAT)).frame.toString('hex'), '00000010000100000007070100000000');
  h.server.ticker.tick(nowMs() + 31_000);
  await m.closedByServer();
  await waitFor(() => h.server.registry.size === 0, 'unregistration');
  assert.equal(JSON.parse(splitReply(await h.http('GET /msg_server HTTP/1.1\r\n\r\n')).body).code, 1);
});

test('a malformed registration closes that link only', async () => {
  const good = await h.register({ ip1: '127.0.0.1', ip2: '127.0.0.1', port: 8005, maxConnCnt: 100, curConnCnt: 0 });
  const bad: PduPeer = await h.connect('msgServer');
  bad.sendRaw(encodeFrame(Cid.CID_OTHER_MSG_SERV_INFO, Buffer.from('0a03313237', 'hex'))); // ip1 only: required fields missing
  await bad.closedByServer();
  assert.equal(h.server.registry.size, 1);
  assert.equal(await chosenPort(), '8005');
  good.close();
});
