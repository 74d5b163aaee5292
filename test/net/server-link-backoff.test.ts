import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { KINDS, makeTransport, until } from './support/transports';
import { Conn, LINK_HEARTBEAT, MAX_LINK_PDU } from '../../src/net/Conn';
import { HandlerTable } from '../../src/net/HandlerTable';
import { ServerLink } from '../../src/net/ServerLink';
import { Ticker } from '../../src/net/Ticker';
import type { CloseReason, Transport } from '../../src/net/Transport';
import { log } from '../../src/util/log';

const table = new HandlerTable<LinkConn>();

class LinkConn extends Conn {
  constructor(transport: Transport, private readonly link: ServerLink<LinkConn>, private readonly now: () => number) {
    super(transport, { maxPduLength: MAX_LINK_PDU, heartbeat: LINK_HEARTBEAT, log });
  }
  protected override get handlers(): HandlerTable<this> { return table as unknown as HandlerTable<this>; }
  override onConnect(errno: number): void { if (errno === 0) this.link.confirmed(this.now()); }
  protected override onClosed(_r: CloseReason): void { this.link.lost(this); }
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

for (const kind of KINDS) {
  describe(`ServerLink back-off over ${kind}`, () => {
    it('retries after 4, 8, 16, 32, 64, then 4 ticks; a confirmed connect resets it', { timeout: 30_000 }, async () => {
      const t = makeTransport(kind);
      const port = await freePort();
      const ticker = new Ticker();
      let tick = 0;
      const fakeNow = () => 1_000_000 + tick * 1000;
      const attempts: number[] = [];
      const link: ServerLink<LinkConn> = new ServerLink('127.0.0.1', port, (l) => {
        attempts.push(tick);
        const c = new LinkConn(t, l, fakeNow);
        c.id = t.connect('127.0.0.1', port, c);
        return c;
      });
      ticker.add(link);
      link.start();
      // Drive the clock by hand; between ticks only wait for the connect result (an event, not time).
      const tickUntilAttempts = async (n: number): Promise<void> => {
        while (attempts.length < n) {
          await until(() => link.conn === undefined || link.open, 5000, 'connect result');
          tick++;
          ticker.tick(fakeNow());
          assert.ok(tick < 1000, 'runaway');
        }
      };
      await tickUntilAttempts(7);
      const gaps = attempts.slice(1).map((a, i) => a - attempts[i]!);
      assert.deepEqual(gaps, [4, 8, 16, 32, 64, 4]);

      // Now a peer appears: the next attempt succeeds and resets the threshold to 2.
      const accepted: net.Socket[] = [];
      const server = net.createServer((s) => accepted.push(s));
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
      try {
        await until(() => link.conn === undefined, 5000, 'failure of attempt 7');
        await tickUntilAttempts(8); // 8 ticks after the last failure
        await until(() => link.open, 5000, 'confirmed');
        assert.equal(link.backoffTicks, 2);
        // The peer drops the link: first retry 4 ticks later (2 doubled), servers.md §1.10.
        await until(() => accepted.length === 1, 5000, 'accepted');
        accepted[0]!.destroy();
        await until(() => link.conn === undefined, 5000, 'link lost');
        const lostAt = tick;
        await tickUntilAttempts(9);
        assert.equal(attempts[8]! - lostAt, 4);
        await until(() => link.open, 5000, 'confirmed again');
      } finally {
        link.close();
        server.close();
        for (const s of accepted) s.destroy();
      }
    });
  });
}
