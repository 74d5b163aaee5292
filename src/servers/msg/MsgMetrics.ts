import type { MetricSet } from '../../util/metrics';
import type { MsgServer } from './MsgServer';

/** msg_server's metrics, read at scrape time from the counters MsgServer already keeps. */
export function defineMsgMetrics(m: MetricSet, s: MsgServer): void {
  m.gauge('msg_client_connections', 'Client connections, logged in or not', () => s.conns.size);
  m.gauge('msg_logged_in_connections', 'Logged-in client connections (what login_server balances on)', () => s.loggedIn);
  m.counter('msg_connections_refused_total', 'Client connections closed at accept: MaxClientConns reached', () => s.connLimit?.refused ?? 0);
  m.gauge('msg_users_online', 'Distinct users with at least one logged-in connection here', () => s.users.size);
  m.counter('msg_messages_received_total', 'CID_MSG_DATA from clients sent on for storage', () => s.stats.upMsgs);
  m.counter('msg_messages_dropped_total', 'CID_MSG_DATA dropped before storage (rate limit, empty, no db_proxy link)', () => s.stats.upDropped);
  m.counter('msg_messages_rate_limited_total', 'CID_MSG_DATA over MsgRateLimit per connection per second (part of dropped)', () => s.stats.rateLimited);
  m.counter('msg_messages_delivered_total', 'Message copies written to recipient connections', () => s.stats.downMsgs);
  m.counter('msg_messages_unacked_total', 'Delivered copies not acked by the client within 15 s', () => s.stats.downMissed);
  m.labeledGauge('msg_links_open', 'Links to other servers that are connected and usable, by kind', 'kind', () => {
    const l = s.links;
    return [['db_proxy', l.db.openConns().length], ['route', l.route.openConns().length], ['login', l.login.openConns().length],
      ['push', l.push.openConns().length], ['file', l.file.openConns().length]] as const;
  });
  m.labeledGauge('msg_links_configured', 'Links to other servers configured, by kind', 'kind', () => {
    const l = s.links;
    return [['db_proxy', l.db.slots.length], ['route', l.route.slots.length], ['login', l.login.slots.length],
      ['push', l.push.slots.length], ['file', l.file.slots.length]] as const;
  });
}
