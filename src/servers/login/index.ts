import type { RunningServer } from '../../cli/serverModule';
import { ConfFile } from '../../conf/ConfFile';
import { defaultTransport } from '../../net/defaultTransport';
import { Ticker } from '../../net/Ticker';
import type { AcceptInfo, Listener, Transport } from '../../net/Transport';
import { childLog } from '../../util/log';
import { HttpConn } from './HttpConn';
import { LookupReplies } from './httpReply';
import { LoginConn, LoginConnKind, LoginContext } from './LoginConn';
import { MsgServerRegistry } from './MsgServerRegistry';
import { withMetrics } from '../../util/metrics';
import { defineLoginMetrics } from './LoginMetrics';

export type { RunningServer };

export interface LoginServer extends RunningServer {
  /** The live registry, for tests and metrics. */
  registry: MsgServerRegistry<LoginConn>;
  /** The 1-second heartbeat/timeout driver; tests tick it by hand with a future time. */
  ticker: Ticker;
}

/**
 * login_server (servers.md §3): tells clients which msg_server to use.
 * - msg_servers connect to MsgServerPort, register (CID_OTHER_MSG_SERV_INFO) and report every
 *   login and logout (CID_OTHER_USER_CNT_UPDATE); the registry is all its state, in memory only;
 * - clients ask over HTTP (`GET /msg_server` on HttpPort, the path every shipped client uses) or
 *   with CID_LOGIN_REQ_MSGSERVER on ClientPort; both get the least-loaded msg_server (§3.3).
 */
export async function start(opts: { confPath: string; transport?: Transport }): Promise<LoginServer> {
  // loginserver.conf (servers.md §2.2); every key is required.
  const conf = ConfFile.load(opts.confPath);
  const clientIps = conf.ipList('ClientListenIP');
  const clientPort = conf.port('ClientPort');
  const httpIps = conf.ipList('HttpListenIP');
  const httpPort = conf.port('HttpPort');
  const msgServerIps = conf.ipList('MsgServerListenIP');
  const msgServerPort = conf.port('MsgServerPort');
  const urls = { msfs: conf.str('msfs'), discovery: conf.str('discovery') };

  const log = childLog({ server: 'login' });
  const transport = opts.transport ?? defaultTransport();
  const ticker = new Ticker();
  const registry = new MsgServerRegistry<LoginConn>();
  const pduConns = new Set<LoginConn>();
  const httpConns = new Set<HttpConn>();
  const ctx: LoginContext = { registry, log, onGone: (c) => { ticker.delete(c); pduConns.delete(c); } };
  let accepted = 0;
  const counts = { http: 0 };

  const acceptPdu = (kind: LoginConnKind) => ({ id, peerIp, peerPort }: AcceptInfo): LoginConn => {
    const c = new LoginConn(transport, kind, ++accepted, ctx);
    c.id = id; c.peerIp = peerIp; c.peerPort = peerPort;
    pduConns.add(c);
    ticker.add(c);
    log.info({ conn: id, kind, peer: `${peerIp}:${peerPort}` }, 'connection accepted');
    return c;
  };
  const httpCtx = { registry, replies: new LookupReplies(urls), log, onGone: (c: HttpConn) => { ticker.delete(c); httpConns.delete(c); } };
  const acceptHttp = ({ id, peerIp, peerPort }: AcceptInfo): HttpConn => {
    const c = new HttpConn(transport, httpCtx);
    counts.http += 1;
    c.id = id; c.peerIp = peerIp; c.peerPort = peerPort;
    httpConns.add(c);
    ticker.add(c);
    return c;
  };

  // Any listen failure ends start-up (servers.md §3.1), closing what was already opened.
  const listeners: Listener[] = [];
  const listenAll = async (ips: string[], port: number, onAccept: (i: AcceptInfo) => LoginConn | HttpConn): Promise<number> => {
    let first = 0;
    for (const ip of ips) {
      const l = await transport.listen(ip, port, onAccept);
      listeners.push(l);
      first ||= l.port;
    }
    return first;
  };
  let ports: Record<string, number>;
  try {
    ports = {
      client: await listenAll(clientIps, clientPort, acceptPdu('client')),
      msgServer: await listenAll(msgServerIps, msgServerPort, acceptPdu('msg_server')),
      http: await listenAll(httpIps, httpPort, acceptHttp),
    };
  } catch (err) {
    for (const l of listeners) l.close();
    throw err;
  }
  ticker.start();
  log.info({ listen: listeners.map((l) => `${l.host}:${l.port}`) }, 'login_server listening');

  // Optional (MetricsPort in loginserver.conf): registry, connections, HTTP lookups for Prometheus.
  return withMetrics(opts.confPath, (m) => defineLoginMetrics(m, { registry, pduConns, httpConns, counts }), {
    name: 'login_server',
    ports,
    registry,
    ticker,
    async stop() {
      ticker.stop();
      for (const l of listeners) l.close();
      for (const c of [...pduConns]) c.close();
      for (const c of [...httpConns]) c.close();
    },
  });
}
