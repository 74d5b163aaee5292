import type { MetricSet } from '../../util/metrics';
import type { PushStats } from './PushStats';

/** push_server's metrics, read at scrape time from PushStats and its link set. */
export function definePushMetrics(m: MetricSet, stats: PushStats, links: { readonly size: number }): void {
  m.gauge('push_links', 'Links from msg_servers', () => links.size);
  m.counter('push_requests_total', 'CID_OTHER_PUSH_TO_USER_REQ received', () => stats.requests);
  m.counter('push_notifications_total', 'Notifications (one per device token) handled', () => stats.notifications);
  m.counter('push_delivered_total', 'Notifications accepted by APNs or FCM', () => stats.delivered);
  m.counter('push_logged_total', 'Notifications recorded by the log provider (no credentials for the platform)', () => stats.logged);
  m.counter('push_skipped_total', 'Tokens of client types without push (PC)', () => stats.skipped);
  m.labeledCounter('push_failed_total', 'Notifications that failed, by reason', 'reason', () => stats.byReason);
}
