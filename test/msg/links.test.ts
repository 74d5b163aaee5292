// msg_server's link groups against real sockets: the master route link is the oldest open one and
// is told so with CID_OTHER_ROLE_SET, re-elected when it closes; db_proxy requests prefer their pool
// and fall back to the other; a broken link is retried with the back-off of servers.md §1.10.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { NetTransport } from '../../src/net/NetTransport';
import { HandlerTable } from '../../src/net/HandlerTable';
import { encodeFrame } from '../../src/pdu/Pdu';
import { childLog } from '../../src/util/log';
import { RouteLink } from '../../src/links/RouteLink';
import { DbProxyPool } from '../../src/links/DbProxyPool';
import type { PeerConn } from '../../src/links/PeerConn';

const log = childLog({ test: 'links' });
const CID_OTHER_ROLE_SET = 0x0707;
const GREETING_CID = 0x0708;

/** A fake peer server: records the command ids each accepted connection sent. */
class FakePeer {
  readonly conns: Array<{ socket: net.Socket; cids: number[] }> = [];
  private readonly server = net.createServer((socket) => {
    const rec = { socket, cids: [] as number[] };
    this.conns.push(rec);
    let buf = Buffer.alloc(0);
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 16 && buf.length >= buf.readUInt32BE(0)) {
        rec.cids.push(buf.readUInt16BE(10));
        buf = buf.subarray(buf.readUInt32BE(0));
      }
    });
    socket.on('error', () => undefined);
  });
  port = 0;

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  dropAll(): void {
    for (const c of this.conns) c.socket.destroy();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const noHandlers = new HandlerTable<PeerConn>();

test('the oldest open route link is master and gets ROLE_SET; on its close the next one is elected', async () => {
  const a = await new FakePeer().listen();
  const b = await new FakePeer().listen();
  const route = new RouteLink({
    transport: new NetTransport(), log, handlers: noHandlers,
    endpoints: [{ host: '127.0.0.1', port: a.port }, { host: '127.0.0.1', port: b.port }],
    greeting: () => encodeFrame(GREETING_CID, Buffer.alloc(0)),
  });
  try {
    route.start();
    await until(() => route.openConns().length === 2 && a.conns.length === 1 && b.conns.length === 1);
    await until(() => a.conns[0]!.cids.includes(GREETING_CID) && b.conns[0]!.cids.includes(GREETING_CID));
    const first = route.master!;
    assert.ok(first);
    const [masterPeer, otherPeer] = first.slot.port === a.port ? [a, b] : [b, a];
    assert.deepEqual(masterPeer.conns[0]!.cids, [CID_OTHER_ROLE_SET, GREETING_CID], 'ROLE_SET before the greeting');
    assert.deepEqual(otherPeer.conns[0]!.cids, [GREETING_CID], 'only the master is told');
    assert.ok(route.sendMaster(encodeFrame(0x0301, Buffer.alloc(0))));
    masterPeer.dropAll();
    await until(() => route.master !== undefined && route.master !== first);
    await until(() => otherPeer.conns[0]!.cids.filter((c) => c === CID_OTHER_ROLE_SET).length === 1);
    assert.equal(first.slot.backoffTicks, 4, 'a link that was up retries after about 4 s');
  } finally {
    route.stop();
    await a.close();
    await b.close();
  }
});

test('db_proxy requests take their own pool first and fall back to the other', async () => {
  const loginDb = await new FakePeer().listen();
  const generalDb = await new FakePeer().listen();
  const pool = new DbProxyPool({
    transport: new NetTransport(), log, handlers: noHandlers, linksPerInstance: 2,
    instances: [{ host: '127.0.0.1', port: loginDb.port }, { host: '127.0.0.1', port: generalDb.port }],
  });
  try {
    pool.start();
    await until(() => pool.openConns().length === 4 && loginDb.conns.length === 2 && generalDb.conns.length === 2);
    assert.equal(pool.slots.length, 4, 'N x C slots');
    for (let i = 0; i < 20; i++) {
      assert.equal(pool.pick('login')!.slot.port, loginDb.port);
      assert.equal(pool.pick('general')!.slot.port, generalDb.port);
    }
    generalDb.dropAll();
    await until(() => pool.openConns().length === 2);
    assert.equal(pool.pick('general')!.slot.port, loginDb.port, 'fallback to the login pool');
    pool.pick('login')!.stopUsing();
    pool.pick('login')!.stopUsing();
    assert.equal(pool.pick('login'), undefined, 'links told to stop receiving are not chosen');
  } finally {
    pool.stop();
    await loginDb.close();
    await generalDb.close();
  }
});
