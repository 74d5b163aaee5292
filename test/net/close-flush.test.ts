import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, makeTransport, until } from './support/transports';
import { CID_CLOSE_AFTER_REPLY, CID_ECHO, startEchoServer } from './support/EchoConn';
import { FrameClient, frame, headerOf } from './support/FrameClient';

for (const kind of KINDS) {
  describe(`local close over ${kind}`, () => {
    it('a reply sent just before close() arrives whole, then the connection ends', async () => {
      const srv = await startEchoServer(makeTransport(kind));
      const c = await FrameClient.connect(srv.port);
      try {
        const body = Buffer.alloc(3 << 20, 0x5a); // more than the kernel takes at once
        // Extra frames behind the closing one: unread input must not turn the close into a reset.
        c.send(Buffer.concat([frame(CID_CLOSE_AFTER_REPLY, body, 77), frame(CID_ECHO, 'late', 78)]));
        await c.closedP;
        assert.equal(c.frames.length, 1);
        assert.equal(headerOf(c.frames[0]!).seq, 77);
        assert.ok(c.frames[0]!.subarray(16).equals(body));
        assert.deepEqual(srv.conns[0]!.closedWith, { reason: 'local', errno: 0 });
      } finally {
        c.destroy(); srv.close();
      }
    });

    it('pause stops delivery and resume delivers what arrived meanwhile', async () => {
      const t = makeTransport(kind);
      const srv = await startEchoServer(t);
      const c = await FrameClient.connect(srv.port);
      try {
        await until(() => srv.conns.length === 1, 2000, 'accept');
        const conn = srv.conns[0]!;
        t.pause(conn.id);
        c.send(frame(CID_ECHO, 'held', 1));
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(conn.bytesIn, 0);
        assert.equal(c.frames.length, 0);
        t.resume(conn.id);
        await c.waitFrames(1);
        assert.equal(c.frames[0]!.subarray(16).toString(), 'held');
      } finally {
        c.destroy(); srv.close();
      }
    });
  });
}
