import { performance } from 'node:perf_hooks';

/**
 * Monotonic milliseconds. The original used the wall clock for heartbeats and timeouts, so a clock
 * jump suspended or fired every timeout at once (servers.md §1.2, Original bug); we never do.
 * performance.now() is monotonic and, unlike hrtime.bigint(), allocates nothing: Conn reads it on
 * every read and send.
 */
export function nowMs(): number {
  return Math.floor(performance.now());
}
