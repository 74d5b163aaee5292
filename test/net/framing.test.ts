import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, makeTransport } from './support/transports';
import { CID_ECHO, startEchoServer } from './support/EchoConn';
import { FrameClient, frame, headerOf } from './support/FrameClient';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const kind of KINDS) {
  describe(`framing over ${kind}`, () => {
    it('reassembles frames split at any byte (inside the header and the body)', async () => {
      const srv = await startEchoServer(makeTransport(kind));
      const c = await FrameClient.connect(srv.port);
      try {
        const body = Buffer.alloc(300, 7);
        const f = frame(CID_ECHO, body, 42);
        // Cut inside the length field, inside the header, inside the body.
        for (const [a, b] of [[0, 3], [3, 11], [11, 200], [200, f.length]] as const) {
          c.send(f.subarray(a, b));
          await pause(20); // separate reads on the server
        }
        const [r] = await c.waitFrames(1);
        assert.equal(headerOf(r!).seq, 42);
        assert.deepEqual(r!.subarray(16), body);
      } finally {
        c.destroy(); srv.close();
      }
    });

    it('splits coalesced frames and answers each, in order', async () => {
      const srv = await startEchoServer(makeTransport(kind));
      const c = await FrameClient.connect(srv.port);
      try {
        const frames = Array.from({ length: 50 }, (_, i) => frame(CID_ECHO, `n${i}`.repeat(i % 7), i));
        // Last frame only half in the same write: the rest arrives later.
        const all = Buffer.concat(frames);
        c.send(all.subarray(0, all.length - 2));
        await pause(20);
        c.send(all.subarray(all.length - 2));
        const got = await c.waitFrames(50);
        got.forEach((r, i) => {
          assert.equal(headerOf(r).seq, i);
          assert.deepEqual(r, frames[i]);
        });
      } finally {
        c.destroy(); srv.close();
      }
    });

    it('passes a 1 MiB PDU through intact', async () => {
      const srv = await startEchoServer(makeTransport(kind));
      const c = await FrameClient.connect(srv.port);
      try {
        const body = Buffer.alloc(1 << 20);
        for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 255;
        c.send(frame(CID_ECHO, body, 9));
        const [r] = await c.waitFrames(1, 10_000);
        assert.equal(r!.length, 16 + body.length);
        assert.ok(r!.subarray(16).equals(body));
      } finally {
        c.destroy(); srv.close();
      }
    });
  });
}
