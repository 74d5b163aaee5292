/**
 * Per-address token bucket for uploads (edge.md §2.11 Security): uploads stay anonymous because the
 * clients send no credentials, but one address cannot fill the disk at line rate.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** `perMinute` uploads per minute on average, bursts up to `perMinute`; 0 disables the limit. */
  constructor(readonly perMinute: number) {}

  take(addr: string, now: number): boolean {
    if (this.perMinute <= 0) return true;
    const b = this.buckets.get(addr) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + ((now - b.at) * this.perMinute) / 60_000);
    b.at = now;
    if (b.tokens < 1) { this.buckets.set(addr, b); return false; }
    b.tokens -= 1;
    this.buckets.set(addr, b);
    return true;
  }

  /** Forget addresses whose bucket is full again (called from the periodic timer). */
  prune(now: number): void {
    for (const [addr, b] of this.buckets) {
      if (b.tokens + ((now - b.at) * this.perMinute) / 60_000 >= this.perMinute) this.buckets.delete(addr);
    }
  }
}
