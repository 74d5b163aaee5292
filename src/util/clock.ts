/**
 * Monotonic milliseconds. The original used the wall clock for heartbeats and timeouts, so a clock
 * jump suspended or fired every timeout at once (servers.md §1.2, Original bug); we never do.
 */
export function nowMs(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}
