/** The counters the original logged every 5 minutes (servers.md §4.17). */
export class MsgStats {
  /** Messages received from clients and sent for storage. */
  upMsgs = 0;
  /** Messages dropped before storage (rate limit, empty, no db_proxy link). */
  upDropped = 0;
  /** Single-message copies delivered to client connections. */
  downMsgs = 0;
  /** Delivered copies not acked within 15 s (statistic only, nothing is retransmitted). */
  downMissed = 0;
  /** Of upDropped: messages over MsgRateLimit per connection per second (for metrics). */
  rateLimited = 0;

  snapshot(): Record<string, number> {
    return { upMsgs: this.upMsgs, upDropped: this.upDropped, downMsgs: this.downMsgs, downMissed: this.downMissed };
  }

  reset(): void {
    this.upMsgs = this.upDropped = this.downMsgs = this.downMissed = 0;
  }
}
