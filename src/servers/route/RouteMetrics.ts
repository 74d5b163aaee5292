import type { MetricSet } from '../../util/metrics';
import type { HubLink, RouteHub } from './RouteHub';

/** route_server's metrics, read at scrape time from its hub. */
export function defineRouteMetrics<L extends HubLink>(m: MetricSet, hub: RouteHub<L>): void {
  m.gauge('route_links', 'Links from msg_servers and http_msg_servers', () => hub.links.size);
  m.gauge('route_users_online', 'Users with at least one terminal on any msg_server', () => hub.users.size);
}
