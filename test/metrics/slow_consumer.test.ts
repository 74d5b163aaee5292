// A peer that never reads is closed as a slow consumer, and /metrics counts it under its reason,
// on both transports.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, makeTransport, until } from '../net/support/transports';
import { CID_ECHO, startEchoServer } from '../net/support/EchoConn';
import { FrameClient, frame } from '../net/support/FrameClient';
import { MetricSet, serveMetrics, MetricsServer } from '../../src/util/metrics';
import { valueOf } from './support/scrape';

const CAP = 256 * 1024;
let metrics: MetricsServer | undefined;
after(async () => { await metrics?.close(); });

for (const kind of KINDS) {
  test(`${kind}: a slow-consumer close is counted under reason="slow-consumer"`, { timeout: 30_000 }, async () => {
    metrics ??= await serveMetrics('127.0.0.1', 0, new MetricSet().registry);
    const port = metrics.port;
    const before = await valueOf(port, 'teamtalk_net_connections_closed_total', { reason: 'slow-consumer' });
    const t = makeTransport(kind, { maxQueueBytes: CAP });
    const srv = await startEchoServer(t);
    const sleeper = await FrameClient.connect(srv.port);
    sleeper.socket.pause();
    try {
      await until(() => srv.conns.length === 1, 2000, 'accepted');
      const victim = srv.conns[0]!;
      const chunk = frame(CID_ECHO, Buffer.alloc(64 * 1024, 1));
      const pump = setInterval(() => { for (let i = 0; i < 16 && !victim.closed; i++) victim.sendRaw(chunk); }, 5);
      try {
        await until(() => victim.closed, 20_000, 'slow consumer closed');
      } finally {
        clearInterval(pump);
      }
      assert.equal(await valueOf(port, 'teamtalk_net_connections_closed_total', { reason: 'slow-consumer' }), before + 1);
    } finally {
      sleeper.destroy();
      srv.close();
    }
  });
}
