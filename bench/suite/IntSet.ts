/**
 * A set of positive integers that arrive mostly in order (per-sender message numbers), kept as a
 * contiguous prefix 1..upTo plus a small set of the ones that came early. Exported as ranges so a
 * worker can ship "which messages were acked / delivered" to the parent cheaply.
 */
export type Ranges = Array<[number, number]>;

export class IntSet {
  private upTo = 0;
  private readonly ahead = new Set<number>();
  private n = 0;

  /** Adds v; false when it was already there (a duplicate). */
  add(v: number): boolean {
    if (v <= this.upTo || this.ahead.has(v)) return false;
    this.n++;
    if (v === this.upTo + 1) {
      this.upTo = v;
      while (this.ahead.delete(this.upTo + 1)) this.upTo++;
    } else {
      this.ahead.add(v);
    }
    return true;
  }

  has(v: number): boolean {
    return (v >= 1 && v <= this.upTo) || this.ahead.has(v);
  }

  get size(): number {
    return this.n;
  }

  toRanges(): Ranges {
    const out: Ranges = [];
    if (this.upTo > 0) out.push([1, this.upTo]);
    const rest = [...this.ahead].sort((a, b) => a - b);
    for (const v of rest) {
      const last = out[out.length - 1];
      if (last !== undefined && v === last[1] + 1) last[1] = v;
      else out.push([v, v]);
    }
    return out;
  }

  static fromRanges(r: Ranges): IntSet {
    const s = new IntSet();
    for (const [a, b] of r) for (let v = a; v <= b; v++) s.add(v);
    return s;
  }
}

/** Number of integers in `a` that are not in `b` (both as sorted, disjoint ranges). */
export function countMissing(a: Ranges, b: Ranges): number {
  let missing = 0;
  let j = 0;
  for (const [lo, hi] of a) {
    let cur = lo;
    while (cur <= hi) {
      while (j < b.length && b[j]![1] < cur) j++;
      const r = b[j];
      if (r === undefined || r[0] > hi) {
        missing += hi - cur + 1;
        break;
      }
      if (r[0] > cur) missing += r[0] - cur;
      cur = r[1] + 1;
    }
  }
  return missing;
}

export function rangesSize(r: Ranges): number {
  let n = 0;
  for (const [a, b] of r) n += b - a + 1;
  return n;
}
