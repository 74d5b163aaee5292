// Route relays survive a route_server restart (servers.md §6.6 item 6 Rewrite: "keep route relays
// reliable across a route_server reconnect (queue while no master, bounded)"). Two msg_servers A
// and B behind one route_server that this test stops and starts again on the same port: a message
// alice (on A) sends to bob (on B) meanwhile is acked (it is stored), waits in A's queue, and
// reaches bob exactly once when the route links are back. Over the queue's cap the oldest relay
// is dropped with a log line (bob still has it as unread in storage). The age bound and the byte
// cap are checked on the queue itself with an explicit clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resetDatabase, flushRedis, writeTestConf } from '../helpers';
import { captureLog, until } from '../net/support/transports';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { start as startRoute, RouteServer } from '../../src/servers/route';
import { readMsgConfig } from '../../src/servers/msg/MsgConfig';
import { RelayQueue } from '../../src/links/RelayQueue';
import type { TtClient } from '../../src/client/TtClient';
import { TestSystem, RunningMsg, sleep } from '../e2e/TestSystem';
import { ALICE, BOB, inboxTexts } from './support/commands';

const DROP_LOG = 'route relays dropped from the no-master queue; receivers on other msg_servers get them from storage';
const FLUSH_LOG = 'queued route relays sent to the master link';
/** A's queue holds this many relays at most (the default is 10,000: too many to send in a test). */
const CAP = 2;

const cap = captureLog();
let sys: TestSystem;
let route: RouteServer | undefined;
let routePort = 0;
let a: RunningMsg;
let b: RunningMsg;
let alice: TtClient;
let bob: TtClient;

before(async () => {
  await resetDatabase();
  await flushRedis();
  sys = await TestSystem.start({ msgServers: 0, msgLog: cap.log });
  // A route_server of the test's own, so it can be stopped and started again on the same port.
  route = await startRoute({ confPath: writeTestConf('route') });
  routePort = route.ports.msg!;
  a = await sys.addMsgServer({ RouteServerPort1: routePort, RouteRelayQueueFrames: CAP });
  b = await sys.addMsgServer({ RouteServerPort1: routePort });
  await sys.waitReady(a);
  await sys.waitReady(b);
  alice = await sys.loggedInAt('alice', sys.msgPort(0));
  bob = await sys.loggedInAt('bob', sys.msgPort(1));
});

after(async () => {
  await sys?.stop();
  await route?.stop();
});

async function stopRoute(): Promise<void> {
  await route!.stop();
  route = undefined;
  await until(() => !a.server.route.master && !b.server.route.master, 5000, 'both msg_servers lost their master route link');
}

async function startRouteAgain(): Promise<void> {
  route = await startRoute({ confPath: writeTestConf('route', { ListenMsgPort: routePort }) });
}


test('route relay queue settings: optional, defaults 10,000 frames / 8 MiB / 60 s / 2 s flush delay, checked', () => {
  const conf = readMsgConfig(writeTestConf('msg'));
  assert.deepEqual(conf.routeRelay, { maxFrames: 10_000, maxBytes: 8 * 1024 * 1024, maxAgeMs: 60_000, flushDelayMs: 2000, quietAfterMs: 12_000 });
  assert.throws(() => readMsgConfig(writeTestConf('msg', { RouteRelayQueueFrames: 0 })), /RouteRelayQueueFrames/);
  assert.throws(() => readMsgConfig(writeTestConf('msg', { RouteRelayMaxAgeMs: 0 })), /RouteRelayMaxAgeMs/);
});

test('a message sent while route_server is down is acked, queued, and reaches the receiver on the other msg_server once', async () => {
  await stopRoute();
  const ack = await alice.sendText(BOB, 'sent while route_server was down');
  assert.ok(ack.msgId > 0, 'acked: it is stored');
  assert.equal(a.server.route.queue!.size, 1, 'the relay waits in A\'s queue');
  await sleep(200);
  assert.deepEqual(inboxTexts(bob), [], 'nothing can reach bob yet');

  const from = cap.lines.length;
  await startRouteAgain();
  // The links come back on their back-off (about 4 s after the break); the queue goes out once A's
  // new master has been up for RouteRelayFlushDelayMs, by when B is linked again too.
  const got = await bob.receiveText((m) => m.fromUserId === ALICE, 15_000);
  assert.equal(got.text, 'sent while route_server was down');
  assert.equal(got.msg.msgId, ack.msgId);
  assert.equal(a.server.route.queue!.size, 0);
  const flushed = cap.lines.slice(from).filter((l) => l.msg === FLUSH_LOG);
  assert.equal(flushed.length, 1);
  assert.equal(flushed[0]!.sent, 1);
  // Once: nothing else arrives (route_server relays to the other links only, and the queue is empty).
  await sleep(1500);
  assert.deepEqual(inboxTexts(bob), [], 'delivered exactly once');
  // And the relay path works normally again.
  await alice.sendText(BOB, 'after the restart');
  assert.equal((await bob.receiveText(undefined, 5000)).text, 'after the restart');
});

test('over the cap the oldest queued relay is dropped with a log line; the rest arrive in order', async () => {
  await stopRoute();
  const from = cap.lines.length;
  const acks: IM.Message.IMMsgDataAck[] = [];
  for (const t of ['one', 'two', 'three']) acks.push(await alice.sendText(BOB, t));
  assert.ok(acks.every((x) => x.msgId > 0), 'all three are stored and acked');
  assert.equal(a.server.route.queue!.size, CAP);
  await until(() => cap.lines.slice(from).some((l) => l.msg === DROP_LOG), 3000, 'the drop log line');
  const drops = cap.lines.slice(from).filter((l) => l.msg === DROP_LOG);
  assert.equal(drops.length, 1);
  assert.equal(drops[0]!.overCap, 1);
  assert.equal(drops[0]!.tooOld, 0);
  assert.equal(drops[0]!.queued, CAP);

  await startRouteAgain();
  const first = await bob.receiveText((m) => m.fromUserId === ALICE, 15_000);
  const second = await bob.receiveText((m) => m.fromUserId === ALICE, 5000);
  assert.deepEqual([first.text, second.text], ['two', 'three'], 'the oldest was dropped, the others kept their order');
  await sleep(1500);
  assert.deepEqual(inboxTexts(bob), [], 'the dropped one is not delivered in real time');

  // Dropped from the queue, not lost: it is stored, bob finds it among his messages from alice.
  const { msg } = await bob.request(Cid.CID_MSG_LIST_REQUEST, IM.Message.IMGetMsgListReq, {
    userId: BOB, sessionType: IM.BaseDefine.SessionType.SESSION_TYPE_SINGLE, sessionId: ALICE, msgIdBegin: 0, msgCnt: 20,
  }, Cid.CID_MSG_LIST_RESPONSE, IM.Message.IMGetMsgListRsp);
  assert.ok(msg.msgList.some((m) => m.msgId === acks[0]!.msgId), 'the dropped relay\'s message is in storage');
});

test('the queue drops relays older than maxAgeMs and keeps its byte cap (explicit clock)', () => {
  const q = new RelayQueue({ maxFrames: 100, maxBytes: 10, maxAgeMs: 60_000 });
  q.push(Buffer.from('aaa'), 0);
  q.push(Buffer.from('bbb'), 30_000);
  q.expire(60_000);
  assert.equal(q.size, 2, 'exactly 60 s old is still kept');
  q.expire(60_001);
  assert.equal(q.size, 1);
  assert.deepEqual(q.takeDropped(), { overCap: 0, tooOld: 1 });
  q.push(Buffer.from('cccc'), 30_001);
  q.push(Buffer.from('ddd'), 30_002); // 3 + 4 + 3 = 10 bytes: at the cap, kept
  assert.equal(q.bytes, 10);
  q.push(Buffer.from('e'), 30_003); // 11 bytes: the oldest ('bbb') goes
  assert.equal(q.bytes, 8);
  q.push(Buffer.alloc(11), 30_004); // alone bigger than the cap: never kept
  assert.deepEqual(q.takeDropped(), { overCap: 2, tooOld: 0 });
  const out: string[] = [];
  assert.equal(q.drain((f) => { out.push(Buffer.from(f).toString()); return out.length < 2; }), 1, 'stops at the first refused frame');
  assert.deepEqual(out, ['cccc', 'ddd']);
  assert.equal(q.drain((f) => { out.push(Buffer.from(f).toString()); return true; }), 2);
  assert.deepEqual(out, ['cccc', 'ddd', 'ddd', 'e'], 'in order, the refused one again first');
  assert.equal(q.size, 0);
  assert.equal(q.bytes, 0);
});
