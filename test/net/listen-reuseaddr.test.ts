// SO_REUSEADDR: a server restarted at once gets its port back although the connections it closed
// itself are still in TIME_WAIT on that port (servers.md §1.1; the addon sets it on every listener).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { KINDS, makeTransport, until } from './support/transports';
import { ByteClient, RecordingSink } from './support/RecordingSink';

const TCP_TIME_WAIT = '06';

/** TIME_WAIT sockets in this network namespace whose local port is `port` (/proc/net/tcp). */
function timeWaitOn(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length > 3 && f[1]!.endsWith(`:${hexPort}`) && f[3] === TCP_TIME_WAIT).length;
}

for (const kind of KINDS) {
  describe(`listening again at once over ${kind}`, () => {
    it('succeeds on the same port while closed connections sit in TIME_WAIT on it', { timeout: 20_000 }, async () => {
      const t = makeTransport(kind);
      const sinks: RecordingSink[] = [];
      const first = await t.listen('127.0.0.1', 0, ({ id }) => { const s = new RecordingSink(id); sinks.push(s); return s; });
      const port = first.port;
      const clients: ByteClient[] = [];
      try {
        for (let i = 0; i < 3; i++) clients.push(await ByteClient.connect(port));
        await until(() => sinks.length === 3, 2000, 'accept');
        // The server closes first (an active close): its side of each connection enters TIME_WAIT.
        for (const s of sinks) t.close(s.id);
        await Promise.all(clients.map((c) => c.closedP));
        await until(() => timeWaitOn(port) >= 1, 5000, `TIME_WAIT on port ${port}`);
        first.close();

        const again = await t.listen('127.0.0.1', port, ({ id }) => { const s = new RecordingSink(id, (b) => t.write(id, b)); sinks.push(s); return s; });
        try {
          assert.equal(again.port, port);
          assert.ok(timeWaitOn(port) >= 1, 'the TIME_WAIT entries were still there when we bound');
          const c = await ByteClient.connect(port);
          clients.push(c);
          c.socket.write('echo');
          await until(() => c.bytes.toString() === 'echo', 2000, 'an answer from the new listener');
        } finally {
          again.close();
        }
      } finally {
        for (const c of clients) c.socket.destroy();
        first.close();
        for (const s of sinks) t.close(s.id);
      }
    });
  });
}
