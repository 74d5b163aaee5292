import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { KINDS, makeTransport } from './support/transports';
import type { CloseReason, ConnSink } from '../../src/net/Transport';

/** A port that was just free: listen on 0, note the port, close. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const ECONNREFUSED = 111;

for (const kind of KINDS) {
  describe(`connect over ${kind}`, () => {
    it('reports ECONNREFUSED for a closed port, then closes exactly once', async () => {
      const t = makeTransport(kind);
      const port = await closedPort();
      const events: string[] = [];
      let closeReason: CloseReason | undefined;
      const done = new Promise<void>((resolve) => {
        const sink: ConnSink = {
          onConnect: (errno) => { events.push(`connect ${errno}`); },
          onData: () => { events.push('data'); },
          onClose: (reason, errno) => { events.push(`close ${errno}`); closeReason = reason; setTimeout(resolve, 50); },
        };
        const id = t.connect('127.0.0.1', port, sink);
        assert.ok(id > 0);
        events.push('returned');
      });
      await done;
      assert.deepEqual(events, ['returned', `connect ${ECONNREFUSED}`, `close ${ECONNREFUSED}`]);
      assert.equal(closeReason, 'connect-failed');
    });

    it('reports an established connect with errno 0 and carries data', async () => {
      const t = makeTransport(kind);
      const server = net.createServer((s) => s.end('hi'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const got: string[] = [];
        await new Promise<void>((resolve) => {
          t.connect('127.0.0.1', (server.address() as net.AddressInfo).port, {
            onConnect: (errno) => got.push(`connect ${errno}`),
            onData: (b, o, n) => got.push(b.toString('utf8', o, o + n)),
            onClose: (reason) => { got.push(reason); resolve(); },
          });
        });
        assert.deepEqual(got, ['connect 0', 'hi', 'peer']);
      } finally {
        server.close();
      }
    });
  });
}
