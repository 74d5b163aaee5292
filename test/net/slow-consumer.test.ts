// First: the transports' loggers must be created after the capture is in place (see the module).
import { rootLogLines } from './support/rootLogCapture';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, makeTransport, until } from './support/transports';
import { CID_ECHO, startEchoServer } from './support/EchoConn';
import { FrameClient, frame } from './support/FrameClient';

const CAP = 1 << 20;

for (const kind of KINDS) {
  describe(`slow consumer over ${kind}`, () => {
    it('closes a peer that never reads once its queue passes the cap; others keep working', { timeout: 30_000 }, async () => {
      const t = makeTransport(kind, { maxQueueBytes: CAP });
      const srv = await startEchoServer(t);
      const sleeper = await FrameClient.connect(srv.port);
      sleeper.socket.pause(); // never reads
      const good = await FrameClient.connect(srv.port);
      await until(() => srv.conns.length === 2, 2000, 'both accepted');
      const victim = srv.conns[0]!;
      const chunk = frame(CID_ECHO, Buffer.alloc(64 * 1024, 1));
      let sent = 0;
      let echoes = 0;
      const pump = setInterval(() => {
        for (let i = 0; i < 16 && !victim.closed; i++) { if (victim.sendRaw(chunk)) sent += chunk.length; }
        // The server must stay responsive while the victim's queue grows.
        good.send(frame(CID_ECHO, 'ping', echoes & 0xffff));
        echoes++;
      }, 10);
      try {
        await until(() => victim.closed, 20_000, 'slow consumer closed');
        assert.deepEqual(victim.closedWith, { reason: 'slow-consumer', errno: 0 });
        // The operator sees why: one warning naming the connection (NativeTransport logs `conn`,
        // NetTransport `id`).
        const logged = rootLogLines.filter((l) => String(l.msg).startsWith('slow consumer') && (l.conn ?? l.id) === victim.id);
        assert.equal(logged.length, 1, `slow consumer log lines: ${JSON.stringify(rootLogLines)}`);
        assert.equal(logged[0]!.level, 40, 'logged as a warning');
        // More than the cap was accepted in total (kernel buffers took the rest), and not absurdly more.
        assert.ok(sent > CAP, `sent ${sent}`);
        assert.equal(t.write(victim.id, chunk), false, 'writes to the closed id fail');
        const before = good.frames.length;
        good.send(frame(CID_ECHO, 'after', 1));
        await good.waitFrames(before + 1);
        assert.equal(good.closed, false);
      } finally {
        clearInterval(pump);
        sleeper.destroy(); good.destroy(); srv.close();
      }
    });
  });
}
