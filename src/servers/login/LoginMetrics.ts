import type { MetricSet } from '../../util/metrics';
import type { MsgServerRegistry } from './MsgServerRegistry';

export interface LoginState {
  registry: MsgServerRegistry<unknown>;
  pduConns: { readonly size: number };
  httpConns: { readonly size: number };
  /** HTTP connections accepted: one lookup request each (servers.md §3.4). */
  counts: { http: number };
}

/** login_server's metrics, read at scrape time. */
export function defineLoginMetrics(m: MetricSet, st: LoginState): void {
  m.gauge('login_msg_servers', 'msg_servers registered', () => st.registry.size);
  m.gauge('login_users', 'Logged-in connections summed over the registered msg_servers', () => st.registry.total);
  m.gauge('login_pdu_connections', 'Connections on ClientPort and MsgServerPort', () => st.pduConns.size);
  m.gauge('login_http_connections', 'HTTP connections open on HttpPort', () => st.httpConns.size);
  m.counter('login_http_requests_total', 'HTTP msg_server lookups (connections accepted on HttpPort, one request each)', () => st.counts.http);
}
