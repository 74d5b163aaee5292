/**
 * An HDR-like log-linear histogram of non-negative integers (the bench records microseconds).
 *
 * Values below 64 are counted exactly; above, each power of two is split into 32 linear
 * sub-buckets, so any reported percentile is within ~3 % of the true value while the whole
 * histogram stays a small array that workers can ship to the parent and the parent can merge.
 * min, max, count and sum are kept exactly.
 */

const SUB_BITS = 5;
const SUB = 1 << SUB_BITS; // 32 sub-buckets per octave
/** Values above this (in the recorded unit) are clamped: 2^40 µs is about 12 days. */
const MAX_VALUE = 2 ** 40;
const BUCKETS = bucketOf(MAX_VALUE) + 1;

function bucketOf(v: number): number {
  if (v < 2 * SUB) return v;
  const e = v < 2 ** 32 ? 31 - Math.clz32(v) : Math.floor(Math.log2(v));
  const shift = e - SUB_BITS;
  return shift * SUB + Math.floor(v / 2 ** shift);
}

/** [lowest, highest] value that falls into bucket i. */
export function bucketRange(i: number): [number, number] {
  if (i < 2 * SUB) return [i, i];
  const shift = Math.floor(i / SUB) - 1;
  const m = i - shift * SUB;
  return [m * 2 ** shift, (m + 1) * 2 ** shift - 1];
}

/** The wire form between processes: sparse [bucket, count] pairs plus the exact extremes. */
export interface HistogramSnapshot {
  buckets: Array<[number, number]>;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface HistogramSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export class Histogram {
  private counts = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  min = Infinity;
  max = 0;

  record(value: number): void {
    const v = Math.min(MAX_VALUE, Math.max(0, Math.round(value)));
    this.counts[bucketOf(v)]! += 1;
    this.count += 1;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /**
   * The value at quantile q (0..1): the midpoint of the bucket holding the rank, clamped to the
   * exact min/max so p0 and p100 are never invented. 0 for an empty histogram.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * this.count));
    if (rank >= this.count) return this.max;
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const [lo, hi] = bucketRange(i);
        return Math.min(this.max, Math.max(this.min, (lo + hi) / 2));
      }
    }
    return this.max;
  }

  merge(other: Histogram | HistogramSnapshot): void {
    if (other instanceof Histogram) {
      for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    } else {
      for (const [i, c] of other.buckets) {
        if (!Number.isInteger(i) || i < 0 || i >= BUCKETS) throw new RangeError(`histogram bucket ${i} out of range`);
        this.counts[i]! += c;
      }
    }
    if (other.count === 0) return;
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  snapshot(): HistogramSnapshot {
    const buckets: Array<[number, number]> = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]! > 0) buckets.push([i, this.counts[i]!]);
    return { buckets, count: this.count, sum: this.sum, min: this.count === 0 ? 0 : this.min, max: this.max };
  }

  static from(s: HistogramSnapshot): Histogram {
    const h = new Histogram();
    h.merge(s);
    return h;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = 0;
  }

  /** Summary in the recorded unit divided by `scale` (1000 turns µs into ms). */
  summary(scale = 1): HistogramSummary {
    const f = (v: number): number => v / scale;
    return {
      count: this.count,
      min: f(this.count === 0 ? 0 : this.min),
      mean: f(this.count === 0 ? 0 : this.sum / this.count),
      p50: f(this.quantile(0.5)),
      p90: f(this.quantile(0.9)),
      p99: f(this.quantile(0.99)),
      p999: f(this.quantile(0.999)),
      max: f(this.max),
    };
  }
}
