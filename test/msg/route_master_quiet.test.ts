// A master route link that goes silent without closing (servers.md §6.2: "a route link that is dead
// but not yet timed out still counts as master: everything relayed in that window is written into a
// dead socket and lost"). A's link to route_server runs through a proxy that this test turns into a
// black hole (both directions discarded, both sockets kept open, as with a vanished host). Once the
// master has been silent for RouteMasterQuietMs, A queues relays instead; when the link carries
// route_server's heartbeats again, the queue goes out and bob (on B) gets the message once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { resetDatabase, flushRedis, writeTestConf } from '../helpers';
import { captureLog, until } from '../net/support/transports';
import { start as startRoute, RouteServer } from '../../src/servers/route';
import type { TtClient } from '../../src/client/TtClient';
import { TestSystem, RunningMsg, sleep } from '../e2e/TestSystem';
import { ALICE, BOB, inboxTexts } from './support/commands';

const QUIET_LOG = 'route master link silent; queuing route relays until it is heard from or another master is up';
const FLUSH_LOG = 'queued route relays sent to the master link';
const QUIET_MS = 6000; // the smallest allowed: just over route_server's 5 s heartbeat

/** A TCP proxy to `target` whose `blackhole` flag discards everything, both ways, keeping the sockets. */
class BlackholeProxy {
  blackhole = false;
  readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  constructor(target: number) {
    this.server = net.createServer((down) => {
      const up = net.connect(target, '127.0.0.1');
      for (const s of [down, up]) { this.sockets.add(s); s.on('error', () => undefined); s.on('close', () => { down.destroy(); up.destroy(); }); }
      down.on('data', (d) => { if (!this.blackhole) up.write(d); });
      up.on('data', (d) => { if (!this.blackhole) down.write(d); });
    });
  }
  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as net.AddressInfo).port;
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

const cap = captureLog();
let sys: TestSystem;
let route: RouteServer;
let proxy: BlackholeProxy;
let a: RunningMsg;
let b: RunningMsg;
let alice: TtClient;
let bob: TtClient;

before(async () => {
  await resetDatabase();
  await flushRedis();
  sys = await TestSystem.start({ msgServers: 0, msgLog: cap.log });
  route = await startRoute({ confPath: writeTestConf('route') });
  proxy = new BlackholeProxy(route.ports.msg!);
  const viaProxy = await proxy.listen();
  a = await sys.addMsgServer({ RouteServerPort1: viaProxy, RouteMasterQuietMs: QUIET_MS });
  b = await sys.addMsgServer({ RouteServerPort1: route.ports.msg! });
  await sys.waitReady(a);
  await sys.waitReady(b);
  alice = await sys.loggedInAt('alice', sys.msgPort(0));
  bob = await sys.loggedInAt('bob', sys.msgPort(1));
});

after(async () => {
  await sys?.stop();
  await route?.stop();
  await proxy?.close();
});


test('RouteMasterQuietMs: 12 s by default, 0 turns it off, below 6 s refused', async () => {
  const { readMsgConfig } = await import('../../src/servers/msg/MsgConfig');
  assert.equal(readMsgConfig(writeTestConf('msg')).routeRelay.quietAfterMs, 12_000);
  assert.equal(readMsgConfig(writeTestConf('msg', { RouteMasterQuietMs: 0 })).routeRelay.quietAfterMs, 0);
  assert.throws(() => readMsgConfig(writeTestConf('msg', { RouteMasterQuietMs: 5000 })), /RouteMasterQuietMs/);
});

test('a live but idle master is never quiet: relays go straight through', async () => {
  await sleep(QUIET_MS + 1500); // longer than the quiet limit with no traffic but heartbeats
  await alice.sendText(BOB, 'through a live link');
  assert.equal((await bob.receiveText((m) => m.fromUserId === ALICE, 5000)).text, 'through a live link');
  assert.equal(a.server.route.queue!.size, 0);
  assert.equal(cap.lines.some((l) => l.msg === QUIET_LOG), false);
});

test('relays sent while the master is silent are queued, then delivered once it is heard from again', { timeout: 60_000 }, async () => {
  const master = a.server.route.master!;
  assert.ok(master?.open);
  const from = cap.lines.length;
  proxy.blackhole = true;
  await until(() => master.transport.now() - master.lastRecv > QUIET_MS, QUIET_MS + 8000, 'A heard nothing for the quiet limit');
  const ack = await alice.sendText(BOB, 'sent into the silence');
  assert.ok(ack.msgId > 0, 'acked: stored');
  assert.equal(a.server.route.queue!.size, 1, 'queued, not written into the silent link');
  assert.ok(a.server.route.master === master && master.open, 'the link has not timed out (30 s)');
  const quiet = cap.lines.slice(from).filter((l) => l.msg === QUIET_LOG);
  assert.equal(quiet.length, 1);

  proxy.blackhole = false; // route_server's next heartbeat gets through
  const got = await bob.receiveText((m) => m.fromUserId === ALICE, 15_000);
  assert.equal(got.text, 'sent into the silence');
  assert.equal(got.msg.msgId, ack.msgId);
  assert.equal(a.server.route.queue!.size, 0);
  assert.equal(cap.lines.slice(from).filter((l) => l.msg === FLUSH_LOG).length, 1);
  await sleep(1500);
  assert.deepEqual(inboxTexts(bob), [], 'exactly once');
});
