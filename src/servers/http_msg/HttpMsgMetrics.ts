import type { MetricSet } from '../../util/metrics';
import type { DbProxyPool } from '../../links/DbProxyPool';
import type { RouteLink } from '../../links/RouteLink';
import type { PendingReplies } from './PendingReplies';
import type { QueryServer } from './QueryServer';

export interface HttpMsgState {
  db: DbProxyPool;
  route: RouteLink;
  pending: PendingReplies;
  front: QueryServer;
}

/** http_msg_server's metrics, read at scrape time. */
export function defineHttpMsgMetrics(m: MetricSet, st: HttpMsgState): void {
  m.gauge('http_msg_connections', 'HTTP connections open', () => st.front.connections);
  m.gauge('http_msg_pending_replies', 'Queries waiting for db_proxy\'s answer', () => st.pending.size);
  m.labeledGauge('http_msg_links_open', 'Links that are connected and usable, by kind', 'kind',
    () => [['db_proxy', st.db.openConns().length], ['route', st.route.openConns().length]] as const);
}
