import type { Transport } from '../../net/Transport';
import type { Listener } from '../../net/Transport';
import { defaultTransport } from '../../net/defaultTransport';
import { Ticker } from '../../net/Ticker';
import { childLog, type Logger } from '../../util/log';
import { MsgCipher } from '../../pdu/crypto';
import { DbProxyPool } from '../../links/DbProxyPool';
import { RouteLink } from '../../links/RouteLink';
import { LoginLink } from '../../links/LoginLink';
import { PushLink } from '../../links/PushLink';
import { FileLink } from '../../links/FileLink';
import type { RunningServer } from '../../cli/serverModule';
import { readMsgConfig } from './MsgConfig';
import { MsgServer } from './MsgServer';
import { internPeerIp } from './internPeerIp';
import { dbHandlers } from './upstream/dbTable';
import { routeHandlers } from './upstream/routeTable';
import { fileHandlers, loginHandlers, pushHandlers } from './upstream/smallTables';
import { withMetrics } from '../../util/metrics';
import { defineMsgMetrics } from './MsgMetrics';
import { ConnLimit } from './ConnLimit';

export type { RunningServer };

/**
 * msg_server (servers.md §4): clients connect and log in here; every request is answered here or
 * forwarded to db_proxy (storage), route_server (other msg_servers, presence), file_server and
 * push_server; login_server learns how many users are here.
 */
export async function start(opts: { confPath: string; transport?: Transport; log?: Logger }): Promise<RunningServer & { server: MsgServer }> {
  const conf = readMsgConfig(opts.confPath);
  const transport = opts.transport ?? defaultTransport();
  // A caller's logger (tests capture it to check that closes are logged); otherwise the process root's child.
  const log = opts.log ?? childLog({ server: 'msg' });
  const ticker = new Ticker();
  const s = new MsgServer(conf, transport, log, ticker, new MsgCipher(conf.aesKey));
  const limit = new ConnLimit(conf.maxClientConns, log);
  s.connLimit = limit;

  // Clients first: msg_server accepts connections before any link is up and refuses logins until
  // a db_proxy, a login_server and a route_server link are open (servers.md §4.1).
  const listeners: Listener[] = [];
  try {
    for (const ip of conf.listenIps) {
      const l = await transport.listen(ip, conf.listenPort, (info) => {
        if (limit.full(s.conns.size)) return limit.refuse(transport, info, s.conns.size);
        const c = s.newConn();
        c.id = info.id;
        c.peerIp = internPeerIp(info.peerIp);
        c.peerPort = info.peerPort;
        return c;
      });
      listeners.push(l);
      s.listenPort = l.port;
    }
  } catch (err) {
    for (const l of listeners) l.close();
    throw err;
  }

  // Then the links, in the original's order: file, db_proxy, login, route, push.
  const common = { transport, log };
  const file = new FileLink({ ...common, endpoints: conf.fileServers, handlers: fileHandlers(s) });
  const db = new DbProxyPool({ ...common, instances: conf.dbServers, linksPerInstance: conf.dbLinksPerInstance, handlers: dbHandlers(s),
    onLinkClosed: (link) => s.onDbLinkClosed(link) });
  const login = new LoginLink({ ...common, endpoints: conf.loginServers, handlers: loginHandlers(s), greeting: () => s.msgServInfo() });
  const route = new RouteLink({ ...common, endpoints: conf.routeServers, handlers: routeHandlers(s), greeting: () => s.onlineUserInfo(), relayQueue: conf.routeRelay });
  const push = new PushLink({ ...common, endpoints: conf.pushServers, handlers: pushHandlers(s) });
  s.links = { db, route, login, push, file };
  for (const g of [file, db, login, route, push]) {
    g.start();
    ticker.add(g);
  }
  ticker.add(s);
  ticker.start();
  log.info({ port: s.listenPort, db: conf.dbServers.length * conf.dbLinksPerInstance, route: conf.routeServers.length }, 'msg_server listening');

  // Optional (MetricsPort in msgserver.conf): connections, users, messages and links for Prometheus.
  return withMetrics(opts.confPath, (m) => defineMsgMetrics(m, s), {
    name: 'msg',
    ports: { ListenPort: s.listenPort },
    server: s,
    async stop() {
      ticker.stop();
      for (const l of listeners) l.close();
      for (const c of [...s.conns.values()]) c.close();
      for (const g of [file, db, login, route, push]) g.stop();
    },
  });
}
