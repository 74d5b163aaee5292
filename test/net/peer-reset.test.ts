// Addon-only: a peer that resets (SO_LINGER 0 + close, i.e. Node's socket.resetAndDestroy())
// closes the connection with reason 'error' and errno ECONNRESET; writing to it afterwards,
// or at the very moment the reset lands, neither throws nor raises SIGPIPE (MSG_NOSIGNAL).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { NativeTransport } from '../../src/net/NativeTransport';
import { until } from './support/transports';
import { ByteClient, RecordingSink } from './support/RecordingSink';

const { ECONNRESET, EPIPE } = os.constants.errno;

// Node ignores SIGPIPE by default, which would hide one: a listener makes it visible instead.
let sigpipes = 0;
const onSigpipe = (): void => { sigpipes++; };

describe('peer reset (native)', () => {
  before(async () => {
    process.on('SIGPIPE', onSigpipe);
    // The detector itself works: a SIGPIPE sent to us is counted.
    process.kill(process.pid, 'SIGPIPE');
    await until(() => sigpipes === 1, 2000, 'the SIGPIPE detector');
    sigpipes = 0;
  });
  after(() => { process.off('SIGPIPE', onSigpipe); });

  async function server(t: NativeTransport, react?: (self: RecordingSink) => void): Promise<{ port: number; sinks: Map<number, RecordingSink>; close(): void }> {
    const sinks = new Map<number, RecordingSink>(); // by the client's port
    const l = await t.listen('127.0.0.1', 0, ({ id, peerPort }) => {
      const s: RecordingSink = new RecordingSink(id, () => react?.(s));
      sinks.set(peerPort, s);
      return s;
    });
    return { port: l.port, sinks, close: () => { l.close(); for (const s of sinks.values()) t.close(s.id); } };
  }

  it('a reset idle peer closes with reason error / ECONNRESET, once; later writes are refused quietly', async () => {
    const t = new NativeTransport();
    const srv = await server(t);
    const c = await ByteClient.connect(srv.port);
    try {
      await until(() => srv.sinks.size === 1, 2000, 'accept');
      const s = srv.sinks.get(c.socket.localPort!)!;
      c.socket.resetAndDestroy();
      await until(() => s.closes.length > 0, 5000, 'the close');
      assert.deepEqual(s.events, [{ kind: 'close', reason: 'error', errno: ECONNRESET }]);
      assert.equal(t.write(s.id, Buffer.from('after the reset')), false);
      t.close(s.id); // idempotent on a gone id
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(s.closes.length, 1, 'onClose exactly once');
      assert.equal(sigpipes, 0);
    } finally {
      c.socket.destroy(); srv.close();
    }
  });

  it('writes queued in the batch in which the peer resets fail into one error close, no SIGPIPE', async () => {
    const t = new NativeTransport();
    let victim: { client: ByteClient; sink: RecordingSink } | undefined;
    const writes: boolean[] = [];
    // When A's data arrives, B resets (client side, synchronous on loopback) and A's handler then
    // writes to B: the flush at the end of this batch sends into a socket that was just reset.
    const srv = await server(t, (self) => {
      if (!victim || self === victim.sink || writes.length > 0) return;
      victim.client.socket.resetAndDestroy();
      for (let i = 0; i < 3; i++) writes.push(t.write(victim.sink.id, Buffer.alloc(1000, i)));
    });
    const a = await ByteClient.connect(srv.port);
    const b = await ByteClient.connect(srv.port);
    try {
      await until(() => srv.sinks.size === 2, 2000, 'accept');
      const sa = srv.sinks.get(a.socket.localPort!)!;
      const sb = srv.sinks.get(b.socket.localPort!)!;
      victim = { client: b, sink: sb };
      a.socket.write('trigger');
      await until(() => sb.closes.length > 0, 5000, 'the victim\'s close');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(sb.closes.length, 1, 'onClose exactly once');
      const [close] = sb.closes;
      assert.equal(close!.reason, 'error');
      assert.ok(close!.errno === ECONNRESET || close!.errno === EPIPE, `errno ${close!.errno}`);
      assert.ok(writes.length >= 1 && writes.every((w) => typeof w === 'boolean'));
      assert.equal(t.write(sb.id, Buffer.from('and again')), false);
      assert.equal(sigpipes, 0, 'no SIGPIPE reached the process');
      // The server is fine: A still gets answers.
      assert.equal(t.write(sa.id, Buffer.from('still here')), true);
      await until(() => a.bytes.toString() === 'still here', 2000, 'A\'s reply');
      assert.equal(sa.closes.length, 0);
    } finally {
      a.socket.destroy(); b.socket.destroy(); srv.close();
    }
  });
});
