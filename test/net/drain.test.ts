import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { KINDS, makeTransport, until } from './support/transports';
import type { ConnSink } from '../../src/net/Transport';

for (const kind of KINDS) {
  describe(`back-pressure over ${kind}`, () => {
    it('queues what the kernel refuses, reports queued(), and signals drain once the peer reads', { timeout: 20_000 }, async () => {
      const t = makeTransport(kind);
      let drains = 0;
      let id = 0;
      const listener = await t.listen('127.0.0.1', 0, (info) => {
        id = info.id;
        const sink: ConnSink = { onData: () => {}, onDrain: () => { drains++; }, onClose: () => {} };
        return sink;
      });
      const client = net.connect(listener.port, '127.0.0.1');
      client.pause();
      let received = 0;
      client.on('data', (d) => { received += d.length; });
      try {
        await until(() => id !== 0, 2000, 'accept');
        const chunk = Buffer.alloc(256 * 1024, 3);
        const total = 24; // 6 MiB: more than loopback buffers hold, less than the 8 MiB cap
        // Written from a timer, i.e. outside any batch.
        await new Promise<void>((r) => setTimeout(() => { for (let i = 0; i < total; i++) assert.equal(t.write(id, chunk), true); r(); }, 0));
        await until(() => t.queued(id) > 0, 2000, 'a backlog in user space');
        assert.equal(drains, 0);
        client.resume();
        await until(() => received === total * chunk.length, 10_000, 'all bytes at the peer');
        await until(() => drains >= 1, 2000, 'drain');
        assert.equal(t.queued(id), 0);
      } finally {
        client.destroy();
        listener.close();
        t.close(id);
      }
    });
  });
}
