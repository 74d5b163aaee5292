/**
 * http_msg_server (edge.md §3): a small HTTP/JSON front door through which an external system (the
 * PHP admin) creates groups and changes group members. It holds no client connections.
 *
 * The story: read httpmsgserver.conf; open links to every db_proxy (ConcurrentDBConnCnt each) and
 * every route_server, kept alive and reconnected like msg_server's; listen for HTTP on every
 * ListenIP. A request is authenticated (QueryAuth), dispatched by its exact path to one of the two
 * interfaces, turned into one PDU to db_proxy carrying attach_data {3, handle, 0}, and answered
 * when db_proxy's reply with that handle arrives (or with code 10 when it does not). A successful
 * member change is also announced to the master route_server. Broadcasts from route_server are
 * ignored. One Ticker drives link heartbeats, reconnects and HTTP timeouts.
 */
import { ConfFile } from '../../conf/ConfFile';
import { defaultTransport } from '../../net/defaultTransport';
import { Ticker } from '../../net/Ticker';
import type { Transport } from '../../net/Transport';
import type { RunningServer } from '../../cli/serverModule';
import { DbProxyPool } from '../../links/DbProxyPool';
import { RouteLink } from '../../links/RouteLink';
import { childLog } from '../../util/log';
import type { Logger } from '../../util/log';
import { readHttpMsgConfig } from './HttpMsgConfig';
import { PendingReplies } from './PendingReplies';
import { QueryAuth } from './QueryAuth';
import { QueryServer } from './QueryServer';
import { QueryCode, QueryError } from './QueryError';
import { dbLinkHandlers, routeLinkHandlers } from './linkHandlers';
import { createGroup } from './createGroup';
import { changeMembers } from './changeMembers';
import type { QueryContext, QueryHandler } from './QueryContext';
import { withMetrics } from '../../util/metrics';
import { defineHttpMsgMetrics } from './HttpMsgMetrics';

/** The interfaces, by exact request target (edge.md §3.5: case-sensitive, no query string). */
const QUERIES = new Map<string, QueryHandler>([
  ['/query/CreateGroup', createGroup],
  ['/query/ChangeMembers', changeMembers],
]);

/** Request heads are a few short lines; 8 KiB is generous. */
const MAX_HEAD_BYTES = 8 * 1024;

export interface HttpMsgServer extends RunningServer {
  /** For tests: the links and the 1-second driver. */
  db: DbProxyPool;
  route: RouteLink;
  ticker: Ticker;
}

export async function start(opts: { confPath: string; transport?: Transport; log?: Logger }): Promise<HttpMsgServer> {
  const config = readHttpMsgConfig(ConfFile.load(opts.confPath));
  // Tests pass a capturing logger to check the lines refusals write.
  const log = opts.log ?? childLog({ server: 'http_msg' });
  const transport = opts.transport ?? defaultTransport();
  const ticker = new Ticker();
  const pending = new PendingReplies(config.dbReplyTimeoutMs);

  // Links: db_proxy (replies matched by handle) and route_server (member-change notifies only).
  const db = new DbProxyPool({
    transport, log, instances: config.dbInstances, linksPerInstance: config.dbLinksPerInstance,
    handlers: dbLinkHandlers(pending, log),
  });
  const route = new RouteLink({ transport, log, endpoints: config.routeServers, handlers: routeLinkHandlers() });
  if (config.dbInstances.length === 0) log.warn('no DBServerIP1/DBServerPort1 configured: every query will answer code 10');
  ticker.add(db);
  ticker.add(route);
  db.start();
  route.start();

  const auth = new QueryAuth(config);
  if (auth.mode === 'loopback-only') log.warn('no AppKey/AppSecret configured: queries are accepted from loopback callers only, without credentials');
  const ctx: QueryContext = { config, db, route, pending, log };
  const front = new QueryServer(transport, ticker, ctx, auth, QUERIES, {
    maxHeadBytes: MAX_HEAD_BYTES,
    maxBodyBytes: config.maxRequestBytes,
    headersTimeoutMs: config.headersTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
  }, log);

  let port = config.listenPort;
  try {
    // With ListenPort 0 the first address picks the port and the others share it.
    for (const ip of config.listenIps) port = await front.listen(ip, port);
  } catch (err) {
    front.stop();
    db.stop();
    route.stop();
    throw err;
  }
  ticker.start();
  log.info({ listen: config.listenIps, port, auth: auth.mode, dbLinks: db.slots.length, routeLinks: route.slots.length }, 'http_msg_server listening');

  let stopped = false;
  // Optional (MetricsPort in httpmsgserver.conf): connections, pending queries, links for Prometheus.
  return withMetrics(opts.confPath, (m) => defineHttpMsgMetrics(m, { db, route, pending, front }), {
    name: 'http_msg_server',
    ports: { http: port },
    db,
    route,
    ticker,
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      ticker.stop();
      front.stop();
      pending.cancelAll(new QueryError(QueryCode.SERVER, 'server stopping'));
      db.stop();
      route.stop();
    },
  });
}
