// The metrics endpoint itself: GET /metrics gives Node's default metrics, the network base's
// counters and the given registry's own; every other path or method is 404.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { MetricSet, PlainHistogram, serveMetrics, MetricsServer } from '../../src/util/metrics';
import { scrape, sample } from './support/scrape';

const servers: MetricsServer[] = [];
after(async () => { for (const s of servers) await s.close(); });

async function serve(m: MetricSet): Promise<MetricsServer> {
  const s = await serveMetrics('127.0.0.1', 0, m.registry);
  servers.push(s);
  return s;
}

test('GET /metrics answers the default process metrics and the network counters in the text format', async () => {
  const s = await serve(new MetricSet());
  assert.ok(s.port > 0);
  const r = await scrape(s.port);
  assert.equal(r.status, 200);
  assert.match(r.contentType, /^text\/plain; version=0\.0\.4/);
  for (const name of ['process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
    const v = sample(r.body, name);
    assert.ok(v !== undefined && Number.isFinite(v), `${name} present`);
  }
  assert.ok((sample(r.body, 'process_resident_memory_bytes') ?? 0) > 1_000_000);
  assert.match(r.body, /^# TYPE nodejs_gc_duration_seconds histogram$/m);
  for (const name of ['teamtalk_net_connections_accepted_total', 'teamtalk_net_bad_frames_total', 'teamtalk_net_pdus_received_total', 'teamtalk_net_bytes_received_total']) {
    assert.notEqual(sample(r.body, name), undefined, `${name} present`);
  }
  assert.notEqual(sample(r.body, 'teamtalk_net_connections_closed_total', { reason: 'slow-consumer' }), undefined);
});

test('values are read from plain numbers at scrape time, not copied at registration', async () => {
  const state = { open: 3, done: 10, byKind: new Map([['a', 1], ['b', 2]]) };
  const m = new MetricSet();
  m.gauge('test_open', 'open things', () => state.open);
  m.counter('test_done_total', 'done things', () => state.done);
  m.labeledCounter('test_kind_total', 'things by kind', 'kind', () => state.byKind);
  const s = await serve(m);
  let body = (await scrape(s.port)).body;
  assert.equal(sample(body, 'teamtalk_test_open'), 3);
  assert.equal(sample(body, 'teamtalk_test_done_total'), 10);
  assert.equal(sample(body, 'teamtalk_test_kind_total', { kind: 'b' }), 2);
  state.open = 1;
  state.done += 5;
  state.byKind.set('b', 7);
  body = (await scrape(s.port)).body;
  assert.equal(sample(body, 'teamtalk_test_open'), 1);
  assert.equal(sample(body, 'teamtalk_test_done_total'), 15);
  assert.equal(sample(body, 'teamtalk_test_kind_total', { kind: 'b' }), 7);
  assert.equal(sample(body, 'teamtalk_test_kind_total', { kind: 'a' }), 1);
});

test('a plain-number histogram is exported with cumulative buckets, sum and count', async () => {
  const h = new PlainHistogram([0.01, 0.1, 1]);
  for (const v of [0.005, 0.05, 0.05, 0.5, 5]) h.observe(v);
  const m = new MetricSet();
  m.histogram('test_latency_seconds', 'latency', () => h);
  const s = await serve(m);
  const body = (await scrape(s.port)).body;
  assert.match(body, /^# TYPE teamtalk_test_latency_seconds histogram$/m);
  assert.equal(sample(body, 'teamtalk_test_latency_seconds_bucket', { le: '0.01' }), 1);
  assert.equal(sample(body, 'teamtalk_test_latency_seconds_bucket', { le: '0.1' }), 3);
  assert.equal(sample(body, 'teamtalk_test_latency_seconds_bucket', { le: '1' }), 4);
  assert.equal(sample(body, 'teamtalk_test_latency_seconds_bucket', { le: '+Inf' }), 5);
  assert.equal(sample(body, 'teamtalk_test_latency_seconds_count'), 5);
  assert.ok(Math.abs(sample(body, 'teamtalk_test_latency_seconds_sum')! - 5.605) < 1e-9);
});

test('other paths and methods get 404', async () => {
  const s = await serve(new MetricSet());
  assert.equal((await scrape(s.port, '/')).status, 404);
  assert.equal((await scrape(s.port, '/metrics/x')).status, 404);
  assert.equal((await scrape(s.port, '/../metrics')).status, 404);
  assert.equal((await scrape(s.port, '/metrics', 'POST')).status, 404);
  assert.equal((await scrape(s.port, '/metrics?x=1')).status, 200);
});

test('a port that is taken fails with EADDRINUSE', async () => {
  const s = await serve(new MetricSet());
  await assert.rejects(serveMetrics('127.0.0.1', s.port), /EADDRINUSE/);
});
