import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketRange, Histogram } from '../../bench/suite/Histogram';

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

test('percentiles stay within the 1/32 bucket precision of the exact values', () => {
  // log-normal-ish latencies from 50 µs to a few seconds, generated with a fixed seed
  let seed = 12345;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const values = Array.from({ length: 20_000 }, () => Math.round(50 * Math.exp(rnd() * 11)));
  const h = new Histogram();
  for (const v of values) h.record(v);
  const sorted = [...values].sort((a, b) => a - b);
  for (const q of [0.5, 0.9, 0.99, 0.999]) {
    const exact = exactQuantile(sorted, q);
    const got = h.quantile(q);
    assert.ok(Math.abs(got - exact) <= exact / 32 + 1, `q${q}: ${got} vs exact ${exact}`);
  }
  assert.equal(h.count, values.length);
  assert.equal(h.min, sorted[0]);
  assert.equal(h.max, sorted[sorted.length - 1]);
  assert.equal(h.quantile(1), sorted[sorted.length - 1]);
});

test('small values are exact and buckets tile the number line without gaps', () => {
  const h = new Histogram();
  for (const v of [0, 1, 2, 3, 63]) h.record(v);
  assert.equal(h.quantile(0.2), 0);
  assert.equal(h.quantile(0.4), 1);
  assert.equal(h.quantile(1), 63);
  let expectLo = 0;
  for (let i = 0; i < 600; i++) {
    const [lo, hi] = bucketRange(i);
    assert.equal(lo, expectLo, `bucket ${i} starts where ${i - 1} ended`);
    assert.ok(hi >= lo);
    expectLo = hi + 1;
  }
});

test('snapshots merge across processes into the same distribution', () => {
  const a = new Histogram();
  const b = new Histogram();
  const all = new Histogram();
  for (let v = 1; v <= 5000; v++) {
    (v % 3 === 0 ? a : b).record(v * 7);
    all.record(v * 7);
  }
  const merged = Histogram.from(JSON.parse(JSON.stringify(a.snapshot())));
  merged.merge(JSON.parse(JSON.stringify(b.snapshot())));
  assert.equal(merged.count, all.count);
  assert.equal(merged.sum, all.sum);
  for (const q of [0.01, 0.5, 0.99]) assert.equal(merged.quantile(q), all.quantile(q));
  assert.throws(() => merged.merge({ buckets: [[1e9, 1]], count: 1, sum: 1, min: 1, max: 1 }), RangeError);
});

test('an empty histogram reports zeros and summary scales units', () => {
  const h = new Histogram();
  assert.deepEqual(h.summary(), { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
  h.record(2500);
  h.record(1500);
  const s = h.summary(1000);
  assert.equal(s.count, 2);
  assert.equal(s.min, 1.5);
  assert.equal(s.max, 2.5);
  assert.equal(s.mean, 2);
});
