import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, makeTransport, until } from './support/transports';
import { CID_ECHO, startEchoServer } from './support/EchoConn';
import { FrameClient, frame } from './support/FrameClient';

for (const kind of KINDS) {
  describe(`connection ids over ${kind}`, () => {
    it('never hands out a closed id again; a stale id cannot touch the new connection', async () => {
      const t = makeTransport(kind);
      const srv = await startEchoServer(t);
      const seen = new Set<number>();
      const clients: FrameClient[] = [];
      try {
        for (let i = 0; i < 20; i++) {
          const c = await FrameClient.connect(srv.port);
          clients.push(c);
          await until(() => srv.conns.length === i + 1, 2000, 'accept');
          const conn = srv.conns[i]!;
          assert.ok(conn.id > 0);
          assert.ok(!seen.has(conn.id), `id ${conn.id} reused`);
          seen.add(conn.id);
          conn.close(); // the descriptor (and the native slot) is free again at once
          assert.equal(t.write(conn.id, frame(CID_ECHO, 'x')), false);
          await c.closedP;
        }
        const live = await FrameClient.connect(srv.port);
        clients.push(live);
        await until(() => srv.conns.length === 21, 2000, 'accept');
        for (const old of seen) { t.close(old); t.pause(old); assert.equal(t.write(old, frame(CID_ECHO, 'stale')), false); }
        live.send(frame(CID_ECHO, 'still here', 1));
        const [r] = await live.waitFrames(1);
        assert.equal(r!.subarray(16).toString(), 'still here');
        assert.equal(srv.conns[20]!.closed, false);
      } finally {
        for (const c of clients) c.destroy();
        srv.close();
      }
    });
  });
}
