import { nowMs } from '../util/clock';

export interface Tickable {
  onTick(now: number): void;
}

/**
 * One coarse 1-second timer per process drives every connection's heartbeat and timeout check and
 * every link slot's reconnect counter (servers.md §1.2), instead of a timer per connection.
 * Tests drive it by hand with tick(now) and a fake clock.
 */
export class Ticker {
  private readonly members = new Set<Tickable>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 1000) {}

  add(t: Tickable): void { this.members.add(t); }
  delete(t: Tickable): void { this.members.delete(t); }
  get size(): number { return this.members.size; }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(nowMs()), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  tick(now: number): void {
    // Copy: a member may close (and leave the set) during its own tick.
    for (const t of [...this.members]) t.onTick(now);
  }
}
