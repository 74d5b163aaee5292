// db_proxy's metrics: requests by kind and queue depth from the I/O thread, group-commit batches,
// their size and store latency, and backend errors from the workers (shared memory).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { startDbProxy, Harness } from '../db_proxy/support/harness';
import { sendMsg } from '../db_proxy/support/requests';
import { freePort } from '../db_proxy/support/throwaway';
import { scrape, sample, valueOf, waitFor } from './support/scrape';

const harnesses: Harness[] = [];
after(async () => { for (const h of harnesses) await h.close(); });

async function withMetrics(overrides: Record<string, string | number> = {}, reset = true): Promise<{ h: Harness; port: number }> {
  const h = await startDbProxy({ MetricsPort: 0, ...overrides }, { reset });
  harnesses.push(h);
  const port = h.server.ports.metrics;
  assert.ok(port !== undefined && port > 0);
  return { h, port };
}

test('stored messages move the batch counters, the batch-size and latency histograms and the request count', async () => {
  const { h, port } = await withMetrics();
  assert.equal(await valueOf(port, 'teamtalk_db_proxy_links'), 1);
  assert.equal(await valueOf(port, 'teamtalk_db_proxy_message_batches_total'), 0);
  const n = 6;
  const acks = await Promise.all(Array.from({ length: n }, (_, i) => sendMsg(h.link, 1, 2 + (i % 3), `bWV0cmljcw-${i}`)));
  assert.ok(acks.every((a) => a.msgId > 0));
  const { body } = await scrape(port);
  const batches = sample(body, 'teamtalk_db_proxy_message_batches_total')!;
  assert.ok(batches >= 1 && batches <= n, `batches ${batches}`);
  assert.equal(sample(body, 'teamtalk_db_proxy_messages_stored_total'), n);
  assert.equal(sample(body, 'teamtalk_db_proxy_message_batch_rows_count'), batches, 'observed once per batch');
  assert.equal(sample(body, 'teamtalk_db_proxy_message_batch_rows_sum'), n);
  assert.equal(sample(body, 'teamtalk_db_proxy_message_store_seconds_count'), batches);
  assert.equal(sample(body, 'teamtalk_db_proxy_message_store_seconds_bucket', { le: '+Inf' }), batches);
  const seconds = sample(body, 'teamtalk_db_proxy_message_store_seconds_sum')!;
  assert.ok(seconds > 0 && seconds < 30, `store seconds ${seconds}`);
  assert.equal(sample(body, 'teamtalk_db_proxy_requests_total', { kind: 'message' }), n);
  assert.equal(sample(body, 'teamtalk_db_proxy_queue_depth'), 0);
  assert.equal(sample(body, 'teamtalk_db_proxy_message_batches_failed_total'), 0);
  assert.equal(sample(body, 'teamtalk_db_proxy_backend_errors_total'), 0);
});

test('a MySQL pool that cannot be reached counts backend errors', async () => {
  const dead = await freePort();
  const { h, port } = await withMetrics({ teamtalk_slave_port: dead }, false);
  const req = { userId: 1, latestUpdateTime: 0 };
  // The reply (if any) does not matter here; the failed statement does.
  h.link.send(Cid.CID_BUDDY_LIST_ALL_USER_REQUEST, IM.Buddy.IMAllUserReq, req, 1);
  await waitFor(port, 'teamtalk_db_proxy_backend_errors_total', (v) => v > 0, {}, 10_000);
  await waitFor(port, 'teamtalk_db_proxy_queue_depth', (v) => v === 0, {}, 10_000);
  assert.equal(await valueOf(port, 'teamtalk_db_proxy_requests_total', { kind: 'buddy' }), 1);
});
