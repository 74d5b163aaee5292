import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, makeTransport } from './support/transports';
import { CID_ECHO, startEchoServer } from './support/EchoConn';
import { FrameClient, frame, headerOf } from './support/FrameClient';

async function echoRound(port: number, count: number): Promise<void> {
  const clients: FrameClient[] = [];
  try {
    // Connect in waves so the accept backlog never overflows (SYN retries would cost seconds).
    for (let i = 0; i < count; i += 500) {
      const wave = await Promise.all(Array.from({ length: Math.min(500, count - i) }, () => FrameClient.connect(port)));
      clients.push(...wave);
    }
    clients.forEach((c, i) => c.send(frame(CID_ECHO, `client ${i}`, i & 0xffff)));
    const replies = await Promise.all(clients.map((c) => c.waitFrames(1, 20_000)));
    replies.forEach(([f], i) => {
      assert.ok(f, `client ${i} got no reply`);
      const h = headerOf(f);
      assert.equal(h.commandId, CID_ECHO);
      assert.equal(h.seq, i & 0xffff);
      assert.equal(f.subarray(16).toString(), `client ${i}`);
    });
  } finally {
    for (const c of clients) c.destroy();
  }
}

for (const kind of KINDS) {
  describe(`echo over ${kind}`, () => {
    it('echoes one PDU on one connection', async () => {
      const t = makeTransport(kind);
      const srv = await startEchoServer(t);
      try {
        await echoRound(srv.port, 1);
      } finally {
        srv.close();
      }
    });

    it('echoes on 5,000 concurrent connections', { timeout: 60_000 }, async () => {
      const t = makeTransport(kind);
      const srv = await startEchoServer(t);
      try {
        await echoRound(srv.port, 5000);
        assert.equal(srv.conns.length, 5000);
      } finally {
        srv.close();
      }
    });
  });
}
