// Addon-only: writes issued while one readiness batch is handled (including its nextTick and
// promise continuations) are coalesced per connection and leave in one send at the end of the
// batch (issue 4, WRITE). Observed through the addon's own counters (stats().sends), which count
// successful send calls, so the test holds whatever the flush looks like inside.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NativeTransport } from '../../src/net/NativeTransport';
import { until } from './support/transports';
import { ByteClient, RecordingSink } from './support/RecordingSink';

const piece = (tag: string): Buffer => Buffer.from(`${tag};`);

/** A native server whose only connection answers each read with `answer(id)`; returns the pieces. */
async function serve(t: NativeTransport, answer: (id: number) => void): Promise<{ port: number; sinks: RecordingSink[]; close(): void }> {
  const sinks: RecordingSink[] = [];
  const l = await t.listen('127.0.0.1', 0, ({ id }) => {
    const s = new RecordingSink(id, () => answer(id));
    sinks.push(s);
    return s;
  });
  return { port: l.port, sinks, close: () => { l.close(); for (const s of sinks) t.close(s.id); } };
}

describe('write coalescing within a batch (native)', () => {
  it('50 small writes answering one read leave in one send, every byte in order', async () => {
    const t = new NativeTransport();
    const expected = Buffer.concat(Array.from({ length: 50 }, (_, i) => piece(`w${i}`)));
    const results: boolean[] = [];
    const srv = await serve(t, (id) => {
      for (let i = 0; i < 50; i++) results.push(t.write(id, piece(`w${i}`)));
    });
    const c = await ByteClient.connect(srv.port);
    try {
      await until(() => srv.sinks.length === 1, 2000, 'accept');
      const before = t.stats();
      c.socket.write('go'); // one small segment: one read, one batch on the server
      await until(() => c.bytes.length >= expected.length, 5000, 'all 50 pieces');
      const after = t.stats();
      assert.deepEqual(c.bytes, expected, 'every piece, in the order written');
      assert.equal(results.length, 50);
      assert.ok(results.every(Boolean), 'every write was queued');
      assert.equal(after.sends - before.sends, 1, `one send for 50 writes (got ${after.sends - before.sends})`);
      assert.equal(after.bytesOut - before.bytesOut, expected.length);
    } finally {
      c.socket.destroy(); srv.close();
    }
  });

  it('writes from process.nextTick and resolved promises of the batch join its flush; setImmediate does not', async () => {
    const t = new NativeTransport();
    const order = ['sync0', 'sync1', 'sync2', 'tick', 'tick-in-tick', 'promise', 'await1', 'await2', 'immediate'];
    const expected = Buffer.concat(order.map(piece));
    // The addon's send count at the moment of each write: nothing of the batch may have left yet.
    const sendsAt = new Map<string, number>();
    const put = (id: number, tag: string): void => { sendsAt.set(tag, t.stats().sends); t.write(id, piece(tag)); };
    const srv = await serve(t, (id) => {
      put(id, 'sync0');
      process.nextTick(() => {
        put(id, 'tick');
        process.nextTick(() => put(id, 'tick-in-tick'));
      });
      void Promise.resolve().then(() => put(id, 'promise'));
      void (async () => {
        await null;
        await null;
        put(id, 'await1');
        await Promise.resolve();
        put(id, 'await2');
        // Outside the batch: a later phase of the event loop, hence a second send.
        setImmediate(() => put(id, 'immediate'));
      })();
      put(id, 'sync1');
      put(id, 'sync2');
    });
    const c = await ByteClient.connect(srv.port);
    try {
      await until(() => srv.sinks.length === 1, 2000, 'accept');
      const before = t.stats().sends;
      c.socket.write('go');
      await until(() => c.bytes.length >= expected.length, 5000, 'every piece');
      const after = t.stats().sends;
      // Node runs the nextTick queue before promise jobs; all of them before the callback returns.
      assert.equal(c.bytes.toString(), expected.toString());
      for (const tag of order.slice(0, -1)) {
        assert.equal(sendsAt.get(tag), before, `${tag}: written before the batch's flush (sends ${sendsAt.get(tag)} vs ${before})`);
      }
      assert.equal(sendsAt.get('immediate'), before + 1, 'the whole batch, ticks and promises included, left in one send');
      assert.equal(after - before, 2, `then the setImmediate write in a second send (got ${after - before})`);
    } finally {
      c.socket.destroy(); srv.close();
    }
  });
});
