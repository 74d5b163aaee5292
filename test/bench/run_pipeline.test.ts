import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_AES_KEY } from '../../src/pdu/crypto';
import { RunOptions, runScenario, planSlots } from '../../bench/suite/Runner';
import { chartFor, compare, renderComparison, renderTable, runJson, summarize, writeOutputs } from '../../bench/suite/Report';
import { SCENARIOS } from '../../bench/suite/scenarios';
import { FakeMsgServer } from './FakeMsgServer';

function options(port: number, label: string): RunOptions {
  return {
    label, target: { kind: 'direct', host: '127.0.0.1', port }, workers: 2, prefix: 'u', password: 'pw', clientType: 18,
    clientVersion: 't', aesKey: DEFAULT_AES_KEY, loginRate: 0, loginConcurrency: 8, loginTimeoutMs: 5000, heartbeatMs: 30_000,
    ratePerSender: 10, window: 0, textBytes: 64, readAck: false, durationMs: 1500, drainMs: 500, drainMaxMs: 3000, holdMs: 0, logout: true,
    mysql: undefined, createAccounts: false, verifyDb: false, pids: {}, progress: false,
  };
}

test('the chat scenario runs through forked workers end to end and writes table, JSON and SVG', async () => {
  const srv = new FakeMsgServer('pw');
  await srv.listen();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-test-'));
  try {
    const layout = SCENARIOS.chat!.layout({ n: 0, connections: 0, pairs: 3, groupSizes: [], groupsPerSize: 0 });
    assert.equal(layout.sends.length, 6);
    const data = await runScenario('chat', layout, options(srv.port, 'A'));
    assert.equal(data.workers, 2);
    assert.equal(srv.logins, 6);
    const r = summarize(data, 'chat');
    const v = (k: string): number => r.metrics.find((m) => m.key === k)!.value;
    assert.equal(v('login_ok'), 6);
    assert.ok(v('acked') >= 6 * 10, `~10/s x 6 senders x 1.5 s: ${v('acked')}`);
    assert.equal(v('delivered'), v('acked'));
    assert.equal(v('lost'), 0);
    assert.equal(v('acked_not_delivered'), 0);
    assert.ok(v('ack_p99_ms') > 0 && v('ack_p99_ms') < 1000);
    assert.ok(r.checks.every((c) => c.ok), JSON.stringify(r.checks));
    assert.match(renderTable(r), /acked\/s/);
    const b = { ...r, label: 'B', metrics: r.metrics.map((m) => ({ ...m, value: m.value * 2 })) };
    const ratios = compare(r, b);
    const acked = ratios.find((x) => x.key === 'acked_per_s')!;
    assert.equal(acked.ratio, 2);
    assert.equal(acked.verdict, 'B better');
    assert.equal(ratios.find((x) => x.key === 'ack_p99_ms')!.verdict, 'A better');
    assert.match(renderComparison(r, b, ratios), /B\/A/);
    const files = writeOutputs(dir, 'chat-test', { runs: [runJson(data, r)] }, [['', chartFor(data, 'chat')]]);
    const json = JSON.parse(fs.readFileSync(files[0]!, 'utf8')) as { runs: Array<{ options: Record<string, unknown>; series: unknown[] }> };
    assert.equal(json.runs[0]!.options.password, undefined, 'no password in the record');
    assert.ok(json.runs[0]!.series.length >= 2);
    assert.match(fs.readFileSync(files[1]!, 'utf8'), /<polyline/);
  } finally {
    await srv.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('connections are split over workers (15 000 at most each) and source addresses beyond 25 000', () => {
  const layout = { sends: new Array(40_000).fill(undefined), hasTraffic: false, hold: false };
  const w = planSlots(layout, { prefix: 'b', workers: 1 });
  assert.equal(w.length, 3);
  assert.ok(w.every((s) => s.length <= 15_000));
  const all = w.flat();
  assert.equal(all.length, 40_000);
  assert.equal(all[0]!.localAddress, '127.0.0.1');
  assert.equal(all[24_999]!.localAddress, '127.0.0.1');
  assert.equal(all[25_000]!.localAddress, '127.0.0.2');
  assert.equal(all[39_999]!.name, 'b040000');
  const small = planSlots({ sends: new Array(10).fill(undefined), hasTraffic: false, hold: false }, { prefix: 'b', workers: 1 });
  assert.equal(small.length, 1);
  assert.equal(small[0]![0]!.localAddress, undefined);
});
