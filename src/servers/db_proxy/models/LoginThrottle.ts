import { BoundedCache } from './BoundedCache';

const WINDOW_MS = 30 * 60 * 1000;
const MAX_FAILURES = 10;

/**
 * §6.1 failure throttle: more than 10 failures of one login name in 30 minutes locks the name.
 * Rewrite: bounded memory (oldest names forgotten first). Login requests are keyed by name, so
 * one worker sees every attempt for a name and a per-worker table is exact.
 */
export class LoginThrottle {
  private readonly failures = new BoundedCache<string, number[]>(50_000);

  locked(name: string, now = Date.now()): boolean {
    const list = this.recent(name, now);
    return list.length > MAX_FAILURES;
  }

  fail(name: string, now = Date.now()): void {
    const list = this.recent(name, now);
    list.push(now);
    this.failures.delete(name);
    this.failures.set(name, list);
  }

  succeed(name: string): void {
    this.failures.delete(name);
  }

  private recent(name: string, now: number): number[] {
    const list = (this.failures.get(name) ?? []).filter((t) => now - t < WINDOW_MS);
    if (list.length === 0) this.failures.delete(name); else this.failures.set(name, list);
    return list;
  }
}
