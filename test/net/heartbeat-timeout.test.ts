import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, captureLog, makeTransport, until } from './support/transports';
import { CID_ECHO, startEchoServer } from './support/EchoConn';
import { FrameClient, frame, headerOf } from './support/FrameClient';
import { LINK_HEARTBEAT, MOBILE_CLIENT_HEARTBEAT, PC_CLIENT_HEARTBEAT } from '../../src/net/Conn';
import { Ticker } from '../../src/net/Ticker';

const CID_OTHER_HEARTBEAT = 0x0701;

for (const kind of KINDS) {
  describe(`heartbeat and timeout over ${kind} (fake clock)`, () => {
    it('a link sends a heartbeat after 5 s of silence and closes after 30 s without input', async () => {
      const { log, lines } = captureLog();
      const srv = await startEchoServer(makeTransport(kind), { heartbeat: LINK_HEARTBEAT, log });
      const c = await FrameClient.connect(srv.port);
      try {
        await until(() => srv.conns.length === 1, 2000, 'accept');
        const conn = srv.conns[0]!;
        const ticker = new Ticker();
        ticker.add(conn);
        const t0 = Math.max(conn.lastRecv, conn.lastSend);
        ticker.tick(t0 + 5_000);
        await new Promise((r) => setTimeout(r, 30));
        assert.equal(c.frames.length, 0, 'no heartbeat at exactly 5 s');
        ticker.tick(t0 + 5_001);
        const [hb] = await c.waitFrames(1);
        assert.equal(headerOf(hb!).commandId, CID_OTHER_HEARTBEAT);
        assert.equal(hb!.length, 16);
        ticker.tick(conn.lastRecv + 30_000);
        assert.equal(conn.closed, false, 'not yet at exactly 30 s');
        ticker.tick(conn.lastRecv + 30_001);
        assert.equal(conn.closed, true);
        await c.closedP;
        assert.ok(lines.some((l) => String(l.msg).startsWith('timeout')), 'timeout is logged');
      } finally {
        c.destroy(); srv.close();
      }
    });

    it('a mobile client is closed after 300 s without input, not at 120 s, and is never sent heartbeats', async () => {
      const { log, lines } = captureLog();
      const srv = await startEchoServer(makeTransport(kind), { heartbeat: MOBILE_CLIENT_HEARTBEAT, log });
      const c = await FrameClient.connect(srv.port);
      try {
        await until(() => srv.conns.length === 1, 2000, 'accept');
        const conn = srv.conns[0]!;
        const ticker = new Ticker();
        ticker.add(conn);
        const t0 = conn.lastRecv;
        // The PC client limit and the link limits do not apply to a mobile connection.
        for (const at of [5_001, 30_001, 120_001, 299_999, 300_000]) {
          ticker.tick(t0 + at);
          assert.equal(conn.closed, false, `still open ${at} ms after the last input`);
        }
        await new Promise((r) => setTimeout(r, 30));
        assert.equal(c.frames.length, 0, 'the server does not send heartbeats to clients');
        ticker.tick(t0 + 300_001);
        assert.equal(conn.closed, true, 'closed once 300 s have passed');
        await c.closedP;
        const line = lines.find((l) => String(l.msg).startsWith('timeout'));
        assert.ok(line, 'timeout is logged');
        assert.equal(line.idleMs, 300_001);
      } finally {
        c.destroy(); srv.close();
      }
    });

    it('input resets the client timeout (120 s for a PC client)', async () => {
      const srv = await startEchoServer(makeTransport(kind), { heartbeat: PC_CLIENT_HEARTBEAT });
      const c = await FrameClient.connect(srv.port);
      try {
        await until(() => srv.conns.length === 1, 2000, 'accept');
        const conn = srv.conns[0]!;
        const ticker = new Ticker();
        ticker.add(conn);
        const first = conn.lastRecv;
        ticker.tick(first + 100_000);
        assert.equal(conn.closed, false);
        await new Promise((r) => setTimeout(r, 5)); // the clock must move for lastRecv to
        c.send(frame(CID_ECHO, '', 1));
        await c.waitFrames(1);
        assert.ok(conn.lastRecv > first);
        ticker.tick(first + 120_001);
        assert.equal(conn.closed, false, 'recent input keeps it open');
        ticker.tick(conn.lastRecv + 120_001);
        assert.equal(conn.closed, true);
        await c.closedP;
      } finally {
        c.destroy(); srv.close();
      }
    });
  });
}
