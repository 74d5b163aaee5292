/**
 * File logins cannot be authenticated without a protocol change (edge.md §1.7, §7 item 1): knowing a
 * task id and the right user id is enough. What we can do (edge.md §1.15) is log failed logins and
 * refuse, for a while, a source address that keeps guessing.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly maxFailures = 20,
    private readonly windowMs = 60_000,
  ) {}

  blocked(ip: string, now: number): boolean {
    const f = this.failures.get(ip);
    if (!f) return false;
    if (now - f.since >= this.windowMs) {
      this.failures.delete(ip);
      return false;
    }
    return f.count >= this.maxFailures;
  }

  /** Record a failed login; true when this failure is the one that crosses the limit (log it once). */
  failed(ip: string, now: number): boolean {
    let f = this.failures.get(ip);
    if (!f || now - f.since >= this.windowMs) {
      f = { count: 0, since: now };
      this.failures.set(ip, f);
    }
    f.count++;
    // Keep the map from growing without bound under a spread-out scan.
    if (this.failures.size > 10_000) {
      for (const [k, v] of this.failures) if (now - v.since >= this.windowMs) this.failures.delete(k);
    }
    return f.count === this.maxFailures;
  }
}
