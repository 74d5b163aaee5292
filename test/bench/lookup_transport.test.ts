import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { MsgServerLocator } from '../../bench/suite/MsgServerLocator';
import type { MsgServerAddress } from '../../bench/suite/Target';
import { NativeTransport } from '../../src/net/NativeTransport';
import { NetTransport } from '../../src/net/NetTransport';
import type { Transport } from '../../src/net/Transport';

const REPLY = '{\n   "backupIP" : "127.0.0.1",\n   "code" : 0,\n   "port" : "8123",\n   "priorIP" : "127.0.0.1"\n}\n';

async function loginServer(status = 200): Promise<{ url: string; requests: () => number; peers: string[]; close(): void }> {
  let n = 0;
  const peers: string[] = [];
  const server = http.createServer((req, res) => {
    n++;
    peers.push(req.socket.remoteAddress ?? '');
    assert.equal(req.url, '/msg_server');
    res.writeHead(status, { Connection: 'close', 'Content-Length': Buffer.byteLength(REPLY) });
    res.end(REPLY);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/msg_server`, requests: () => n, peers, close: () => server.close() };
}

function ask(loc: MsgServerLocator, url: string, local?: string): Promise<{ addr: MsgServerAddress; fresh: boolean }> {
  return new Promise((resolve, reject) => {
    loc.lookup(url, local, (err, addr, fresh) => (err ? reject(err) : resolve({ addr: addr!, fresh })));
  });
}

const transports: Array<[string, () => Transport]> = [['native', () => new NativeTransport()], ['net', () => new NetTransport()]];

for (const [kind, make] of transports) {
  describe(`login_server lookup over the ${kind} transport`, () => {
    it('each: one HTTP request per lookup, from the given source address, and the sockets are gone afterwards', { timeout: 10_000 }, async () => {
      const srv = await loginServer();
      const loc = new MsgServerLocator(make(), 'each');
      try {
        const got = await Promise.all([ask(loc, srv.url), ask(loc, srv.url, '127.0.0.2'), ask(loc, srv.url)]);
        for (const g of got) assert.deepEqual(g, { addr: { host: '127.0.0.1', port: 8123 }, fresh: true });
        assert.equal(srv.requests(), 3);
        assert.ok(srv.peers.includes('127.0.0.2'), `peers ${srv.peers.join(',')}`);
        // login_server closes after its reply; a socket it left open is closed by the second sweep
        const deadline = Date.now() + 3000;
        while (loc.open > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        assert.equal(loc.open, 0, 'login_server\'s close reached us');
      } finally {
        loc.closeAll();
        srv.close();
      }
    });

    it('once: a single request serves every login; errors reach every waiter and are not cached', { timeout: 10_000 }, async () => {
      const srv = await loginServer();
      const bad = await loginServer(500);
      const loc = new MsgServerLocator(make(), 'once');
      try {
        const got = await Promise.all([ask(loc, srv.url), ask(loc, srv.url), ask(loc, srv.url)]);
        assert.equal(srv.requests(), 1);
        assert.deepEqual(got.map((g) => g.fresh), [true, false, false]);
        assert.deepEqual((await ask(loc, srv.url)).fresh, false);
        assert.equal(srv.requests(), 1);
        const loc2 = new MsgServerLocator(make(), 'once');
        const fails = await Promise.allSettled([ask(loc2, bad.url), ask(loc2, bad.url)]);
        assert.ok(fails.every((f) => f.status === 'rejected' && /HTTP 500/.test(String(f.reason))));
        await assert.rejects(ask(loc2, bad.url), /HTTP 500/);
        assert.equal(bad.requests(), 2, 'the failure was not cached');
      } finally {
        loc.closeAll();
        srv.close();
        bad.close();
      }
    });

    it('a refused connect and a server that never closes are handled without a hang', { timeout: 10_000 }, async () => {
      const probe = net.createServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
      const deadPort = (probe.address() as net.AddressInfo).port;
      await new Promise<void>((r) => probe.close(() => r()));
      const loc = new MsgServerLocator(make(), 'each');
      await assert.rejects(ask(loc, `http://127.0.0.1:${deadPort}/msg_server`), /ECONNREFUSED/);
      // replies with a Content-Length but keeps the socket: the answer counts, the sweep closes it
      const sockets: net.Socket[] = [];
      const keep = net.createServer((s) => {
        sockets.push(s);
        s.on('error', () => undefined);
        s.once('data', () => s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(REPLY)}\r\n\r\n${REPLY}`));
      });
      await new Promise<void>((r) => keep.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(keep.address() as net.AddressInfo).port}/msg_server`;
        assert.deepEqual((await ask(loc, url)).addr, { host: '127.0.0.1', port: 8123 });
        assert.equal(loc.open, 1);
        loc.sweep();
        assert.equal(loc.open, 1, 'not at the first sweep');
        loc.sweep();
        assert.equal(loc.open, 0, 'closed at the second');
        await new Promise((r) => setTimeout(r, 100));
        assert.ok(sockets[0]!.readableEnded || sockets[0]!.destroyed, 'the server saw our close');
      } finally {
        for (const s of sockets) s.destroy();
        keep.close();
      }
    });
  });
}
