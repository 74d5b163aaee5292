import type { RunningServer } from '../../cli/serverModule';
import { ConfFile } from '../../conf/ConfFile';
import { defaultTransport } from '../../net/defaultTransport';
import { Ticker } from '../../net/Ticker';
import type { Listener, Transport } from '../../net/Transport';
import { childLog } from '../../util/log';
import { RouteHub } from './RouteHub';
import { RouteLink } from './RouteLink';
import { withMetrics } from '../../util/metrics';
import { defineRouteMetrics } from './RouteMetrics';

export type { RunningServer };

export interface RouteServer extends RunningServer {
  /** The live state, for tests and metrics. */
  hub: RouteHub<RouteLink>;
  /** The 1-second heartbeat/timeout driver; tests tick it by hand with a future time. */
  ticker: Ticker;
}

/**
 * route_server (servers.md §5): the presence registry and broadcast hub between msg_servers.
 * It only listens; every msg_server and http_msg_server connects to it. It keeps no persistent
 * state: after a restart each msg_server's CID_OTHER_ONLINE_USER_INFO rebuilds the user table.
 */
export async function start(opts: { confPath: string; transport?: Transport }): Promise<RouteServer> {
  // routeserver.conf (servers.md §2.4)
  const conf = ConfFile.load(opts.confPath);
  const listenIps = conf.ipList('ListenIP');
  const listenPort = conf.port('ListenMsgPort');

  const log = childLog({ server: 'route' });
  const transport = opts.transport ?? defaultTransport();
  const ticker = new Ticker();
  const hub = new RouteHub<RouteLink>(log);

  // Every accepted link joins the hub; its heartbeat and 30 s timeout run off the shared ticker.
  const accept = ({ id, peerIp, peerPort }: { id: number; peerIp: string; peerPort: number }): RouteLink => {
    const link = new RouteLink(transport, hub, ticker, log);
    link.id = id; link.peerIp = peerIp; link.peerPort = peerPort;
    hub.add(link);
    ticker.add(link);
    log.info({ link: id, peer: `${peerIp}:${peerPort}` }, 'msg_server link accepted');
    return link;
  };

  const listeners: Listener[] = [];
  try {
    for (const ip of listenIps) listeners.push(await transport.listen(ip, listenPort, accept));
  } catch (err) {
    for (const l of listeners) l.close();
    throw err;
  }
  ticker.start();
  log.info({ listen: listeners.map((l) => `${l.host}:${l.port}`) }, 'route_server listening');

  // Optional (MetricsPort in routeserver.conf): links and users online for Prometheus.
  return withMetrics(opts.confPath, (m) => defineRouteMetrics(m, hub), {
    name: 'route_server',
    ports: { msg: listeners[0]!.port },
    hub,
    ticker,
    async stop() {
      ticker.stop();
      for (const l of listeners) l.close();
      // Forget the links first: a shutdown is not a msg_server going away, so no offline announcements.
      const links = [...hub.links];
      hub.links.clear();
      for (const link of links) link.close();
    },
  });
}
