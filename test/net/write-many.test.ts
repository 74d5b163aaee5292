import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, makeTransport, until } from './support/transports';
import { CID_ECHO, startEchoServer } from './support/EchoConn';
import { FrameClient, frame, headerOf } from './support/FrameClient';

const CAP = 1 << 20;

for (const kind of KINDS) {
  describe(`writeMany over ${kind}`, () => {
    it('puts the same frame on every listed live connection once, skipping closed and unknown ids', { timeout: 20_000 }, async () => {
      const t = makeTransport(kind);
      const srv = await startEchoServer(t);
      const clients: FrameClient[] = [];
      try {
        for (let i = 0; i < 5; i++) clients.push(await FrameClient.connect(srv.port));
        await until(() => srv.conns.length === 5, 2000, 'all accepted');
        // Which server conn belongs to which client: by the client's local port.
        const byPort = new Map(srv.conns.map((c) => [c.peerPort, c]));
        const gone = byPort.get(clients[4]!.socket.localPort!)!;
        gone.close();
        await clients[4]!.closedP;
        const ids = [...srv.conns.map((c) => c.id), gone.id + 7 * (1 << 20), 0xfffff];
        const copy = [...ids];
        const f = frame(CID_ECHO, 'to everyone', 77);
        const n = t.writeMany(ids, f);
        assert.equal(n, 4, 'four live connections queued it');
        assert.deepEqual(ids, copy, 'the caller\'s id list is left as it was');
        for (const c of clients.slice(0, 4)) {
          const [got] = await c.waitFrames(1);
          assert.deepEqual(got, f);
          assert.equal(headerOf(got!).seq, 77);
        }
        // A count limits the call to a prefix; a Float64Array works like an array.
        const live = srv.conns.filter((c) => c !== gone).map((c) => c.id);
        const first = clients.find((c) => c.socket.localPort === srv.conns.find((s) => s.id === live[0])!.peerPort)!;
        assert.equal(t.writeMany(Float64Array.from(live), frame(CID_ECHO, 'only first', 78), 1), 1);
        await first.waitFrames(2);
        await new Promise((r) => setTimeout(r, 100));
        const total = clients.slice(0, 4).reduce((k, c) => k + c.frames.length, 0);
        assert.equal(total, 5, 'the second call reached exactly one connection');
        assert.equal(t.writeMany([], f), 0);
      } finally {
        for (const c of clients) c.destroy();
        srv.close();
      }
    });

    it('closes a listed connection that goes over the output cap as a slow consumer; the others keep getting every frame', { timeout: 30_000 }, async () => {
      const t = makeTransport(kind, { maxQueueBytes: CAP });
      const srv = await startEchoServer(t);
      const sleeper = await FrameClient.connect(srv.port);
      sleeper.socket.pause(); // never reads
      const good = await FrameClient.connect(srv.port);
      try {
        await until(() => srv.conns.length === 2, 2000, 'both accepted');
        const victim = srv.conns.find((c) => c.peerPort === sleeper.socket.localPort)!;
        const other = srv.conns.find((c) => c !== victim)!;
        const chunk = frame(CID_ECHO, Buffer.alloc(64 * 1024, 3));
        let toGood = 0;
        let rounds = 0;
        await new Promise<void>((resolve, reject) => {
          const pump = setInterval(() => {
            try {
              for (let i = 0; i < 8 && !victim.closed; i++) {
                const before = other.closed;
                const n = t.writeMany([victim.id, other.id], chunk);
                assert.ok(n >= 1 && !before, `the reading peer always queues (n=${n})`);
                toGood++;
                rounds++;
              }
              if (victim.closed) { clearInterval(pump); resolve(); }
              if (rounds > 10_000) { clearInterval(pump); reject(new Error('victim never closed')); }
            } catch (e) { clearInterval(pump); reject(e as Error); }
          }, 10);
        });
        assert.deepEqual(victim.closedWith, { reason: 'slow-consumer', errno: 0 });
        assert.ok(rounds * chunk.length > CAP, 'more than the cap was offered before the close');
        assert.equal(t.writeMany([victim.id, other.id], chunk), 1, 'only the live one after the close');
        toGood++;
        await good.waitFrames(toGood, 20_000);
        assert.equal(good.frames.length, toGood);
        assert.equal(good.closed, false);
        assert.equal(other.closed, false);
      } finally {
        sleeper.destroy(); good.destroy(); srv.close();
      }
    });
  });
}
