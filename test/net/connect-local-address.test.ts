import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CloseReason, ConnSink } from '../../src/net/Transport';
import { KINDS, makeTransport, until } from './support/transports';
import { startEchoServer } from './support/EchoConn';

class Probe implements ConnSink {
  connected: number | undefined;
  closed: { reason: CloseReason; errno: number } | undefined;
  onConnect(errno: number): void { this.connected = errno; }
  onData(): void { /* nothing is sent to us */ }
  onClose(reason: CloseReason, errno: number): void { this.closed = { reason, errno }; }
}

for (const kind of KINDS) {
  describe(`connect with a source address over ${kind}`, () => {
    it('binds the given loopback address, so the server sees it as the peer', { timeout: 10_000 }, async () => {
      const t = makeTransport(kind);
      const srv = await startEchoServer(t);
      const ids: number[] = [];
      try {
        for (const local of ['127.0.0.2', '127.0.0.3']) {
          const p = new Probe();
          ids.push(t.connect('127.0.0.1', srv.port, p, { localAddress: local }));
          await until(() => p.connected !== undefined, 3000, 'connected');
          assert.equal(p.connected, 0);
        }
        const plain = new Probe();
        ids.push(t.connect('127.0.0.1', srv.port, plain));
        await until(() => srv.conns.length === 3, 3000, 'all accepted');
        assert.deepEqual(srv.conns.map((c) => c.peerIp).sort(), ['127.0.0.1', '127.0.0.2', '127.0.0.3']);
      } finally {
        for (const id of ids) t.close(id);
        srv.close();
      }
    });
  });
}

describe('connect with a bad source address over native', () => {
  it('fails like a refused connect, asynchronously', { timeout: 10_000 }, async () => {
    const t = makeTransport('native');
    const p = new Probe();
    t.connect('127.0.0.1', 9, p, { localAddress: 'not-an-ip' });
    assert.equal(p.closed, undefined, 'never synchronously');
    await until(() => p.closed !== undefined, 3000, 'closed');
    assert.equal(p.closed!.reason, 'connect-failed');
    assert.equal(p.connected, 22);
  });
});
