import type { Notification } from '../Notification';

/** What a delivery attempt came to: `ok` means the provider accepted the notification. */
export interface PushOutcome {
  ok: boolean;
  /** Why not (provider reason, HTTP status, "not configured", ...), for logs and counters. */
  reason?: string;
}

/**
 * One way out to devices (edge.md §4.7 Rewrite): APNs, FCM, or the log provider. `send` never
 * rejects: every failure is an outcome, so one bad token cannot break a whole request.
 */
export interface PushProvider {
  readonly name: string;
  send(n: Notification): Promise<PushOutcome>;
  close(): Promise<void>;
}
