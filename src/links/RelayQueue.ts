/**
 * Rewrite (servers.md §6.6 item 6, "keep route relays reliable across a route_server reconnect
 * (queue while no master, bounded)"): the route relays msg_server could not send because it had no
 * master route link, kept in send order until one is up again. The original skipped them silently.
 *
 * Bounded three ways, so an outage can never grow memory without limit: frames, bytes (over either
 * cap the oldest frame goes first: the newest relays are the ones whose receivers are most likely
 * still waiting) and age (a relay queued longer than maxAgeMs is dropped: its receivers have had
 * time to notice and refresh, and every relay queued here is of something already stored, which
 * they get as unread / on their next list request). Drops are counted for the caller to log.
 */
export interface RelayQueueLimits {
  maxFrames: number;
  maxBytes: number;
  maxAgeMs: number;
}

/** Defaults: generous for a restart of route_server, small next to a msg_server's memory. */
export const DEFAULT_RELAY_LIMITS: RelayQueueLimits = { maxFrames: 10_000, maxBytes: 8 * 1024 * 1024, maxAgeMs: 60_000 };

interface Queued {
  frame: Uint8Array;
  at: number;
}

export class RelayQueue {
  private items: Queued[] = [];
  private head = 0;
  private byteCount = 0;
  /** Dropped since the last takeDropped(): over a cap, too old. */
  private overCap = 0;
  private tooOld = 0;

  constructor(readonly limits: RelayQueueLimits) {}

  get size(): number { return this.items.length - this.head; }
  get bytes(): number { return this.byteCount; }

  push(frame: Uint8Array, now: number): void {
    // A frame bigger than the byte cap on its own could never be kept; counted like any overflow.
    if (frame.length > this.limits.maxBytes) { this.overCap++; return; }
    this.items.push({ frame, at: now });
    this.byteCount += frame.length;
    while (this.size > this.limits.maxFrames || this.byteCount > this.limits.maxBytes) {
      this.shift();
      this.overCap++;
    }
  }

  /** Drop every frame queued more than maxAgeMs ago (oldest first: the queue is in time order). */
  expire(now: number): void {
    while (this.size > 0 && now - this.items[this.head]!.at > this.limits.maxAgeMs) {
      this.shift();
      this.tooOld++;
    }
  }

  /**
   * Hand the frames to `send` in queue order until it refuses one (that one and the rest stay).
   * Returns how many went out.
   */
  drain(send: (frame: Uint8Array) => boolean): number {
    let n = 0;
    while (this.size > 0) {
      if (!send(this.items[this.head]!.frame)) break;
      this.shift();
      n++;
    }
    return n;
  }

  /** The drop counters since the last call, reset. */
  takeDropped(): { overCap: number; tooOld: number } {
    const d = { overCap: this.overCap, tooOld: this.tooOld };
    this.overCap = this.tooOld = 0;
    return d;
  }

  private shift(): void {
    const q = this.items[this.head]!;
    this.items[this.head] = undefined as unknown as Queued;
    this.head++;
    this.byteCount -= q.frame.length;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
