// Network counters move with real traffic: a connection that sends a bad frame is closed by the
// server and counted, on both transports; route_server's own gauges follow its links.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeTestConf } from '../helpers';
import { start as startRoute, RouteServer } from '../../src/servers/route';
import { NetTransport } from '../../src/net/NetTransport';
import { defaultTransport } from '../../src/net/defaultTransport';
import type { Transport } from '../../src/net/Transport';
import { RawConn, headerWithLength } from './support/rawConn';
import { valueOf, waitFor } from './support/scrape';

const running: RouteServer[] = [];
after(async () => { for (const s of running) await s.stop(); });

async function routeWithMetrics(transport: Transport): Promise<{ route: number; metrics: number }> {
  const s = await startRoute({ confPath: writeTestConf('route', { MetricsPort: 0 }), transport });
  running.push(s);
  const metrics = s.ports.metrics;
  assert.ok(metrics !== undefined && metrics > 0, 'the bound metrics port is reported');
  return { route: s.ports.msg!, metrics };
}

for (const [name, make] of [['default', () => defaultTransport()], ['net', () => new NetTransport()]] as const) {
  test(`${name} transport: a bad frame closes the connection and increments the bad-frame counter`, async () => {
    const { route, metrics } = await routeWithMetrics(make());
    const accepted0 = await valueOf(metrics, 'teamtalk_net_connections_accepted_total');
    const bad0 = await valueOf(metrics, 'teamtalk_net_bad_frames_total');
    const local0 = await valueOf(metrics, 'teamtalk_net_connections_closed_total', { reason: 'local' });
    const bytes0 = await valueOf(metrics, 'teamtalk_net_bytes_received_total');
    assert.equal(await valueOf(metrics, 'teamtalk_route_links'), 0);

    const c = await RawConn.connect(route);
    await waitFor(metrics, 'teamtalk_route_links', (v) => v === 1);
    assert.equal(await valueOf(metrics, 'teamtalk_net_connections_accepted_total'), accepted0 + 1);

    c.write(headerWithLength(5));
    await c.closed;
    await waitFor(metrics, 'teamtalk_net_bad_frames_total', (v) => v === bad0 + 1);
    await waitFor(metrics, 'teamtalk_route_links', (v) => v === 0);
    assert.equal(await valueOf(metrics, 'teamtalk_net_connections_closed_total', { reason: 'local' }), local0 + 1);
    assert.ok(await valueOf(metrics, 'teamtalk_net_bytes_received_total') >= bytes0 + 16);
  });
}

test('whole PDUs received are counted; a heartbeat is one PDU', async () => {
  const { route, metrics } = await routeWithMetrics(defaultTransport());
  const c = await RawConn.connect(route);
  await waitFor(metrics, 'teamtalk_route_links', (v) => v === 1);
  const pdus0 = await valueOf(metrics, 'teamtalk_net_pdus_received_total');
  c.write(Buffer.concat([headerWithLength(16), headerWithLength(16), headerWithLength(16)]));
  await waitFor(metrics, 'teamtalk_net_pdus_received_total', (v) => v === pdus0 + 3);
  await c.close();
  await waitFor(metrics, 'teamtalk_route_links', (v) => v === 0);
});

test('without MetricsPort no metrics listener is opened', async () => {
  const s = await startRoute({ confPath: writeTestConf('route') });
  running.push(s);
  assert.equal(s.ports.metrics, undefined);
});
