import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, makeTransport, until } from './support/transports';
import { ByteClient, RecordingSink } from './support/RecordingSink';

// A connection handler that throws (a bug in one server's handler) must cost at most that
// connection's event, never the process: on `net` an exception in a socket 'data' listener would
// otherwise be an uncaught exception. Both transports log it and carry on.
for (const kind of KINDS) {
  describe(`a throwing connection handler over ${kind}`, () => {
    it('does not take the process or the other connections down', { timeout: 15_000 }, async () => {
      const t = makeTransport(kind);
      const sinks: RecordingSink[] = [];
      let throws = 0;
      const listener = await t.listen('127.0.0.1', 0, ({ id }) => {
        const sink = new RecordingSink(id, (bytes) => {
          if (bytes.includes('boom')) { throws++; throw new Error('handler bug'); }
          t.write(id, bytes); // echo
        });
        sinks.push(sink);
        return sink;
      });
      const bad = await ByteClient.connect(listener.port);
      const good = await ByteClient.connect(listener.port);
      try {
        await until(() => sinks.length === 2, 2000, 'both accepted');
        bad.socket.write('boom');
        await until(() => throws === 1, 2000, 'the handler threw');
        good.socket.write('hello');
        await until(() => good.bytes.toString() === 'hello', 2000, 'the other connection still echoes');
        // The connection whose handler threw is still served afterwards.
        bad.socket.write('again');
        await until(() => bad.bytes.toString() === 'again', 2000, 'the throwing connection still echoes');
        assert.equal(throws, 1);
        assert.equal(good.closed, false);
      } finally {
        bad.socket.destroy(); good.socket.destroy(); listener.close();
      }
    });
  });
}
