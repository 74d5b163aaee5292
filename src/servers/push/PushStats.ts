/** What push_server did, for tests, logs and metrics (edge.md §4.7: "counts what it would send"). */
export class PushStats {
  requests = 0;
  notifications = 0;
  delivered = 0;
  failed = 0;
  /** Recorded by the log provider instead of being sent (no credentials for the platform). */
  logged = 0;
  /** Tokens of client types that have no push at all (PC). */
  skipped = 0;
  readonly byReason = new Map<string, number>();

  countFailure(reason: string): void {
    this.failed++;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
  }
}
