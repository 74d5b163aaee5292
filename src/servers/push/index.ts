import { ConfFile } from '../../conf/ConfFile';
import type { RunningServer } from '../../cli/serverModule';
import { ConnGroup } from '../../net/ConnGroup';
import { HandlerTable } from '../../net/HandlerTable';
import { defaultTransport } from '../../net/defaultTransport';
import { Ticker } from '../../net/Ticker';
import type { AcceptInfo, Transport } from '../../net/Transport';
import { Cid } from '../../pdu/commands';
import { childLog } from '../../util/log';
import { echoHeartbeat } from './handlers/echoHeartbeat';
import { handlePushToUser } from './handlers/handlePushToUser';
import { ApnsProvider } from './providers/ApnsProvider';
import { FcmProvider } from './providers/FcmProvider';
import { LogProvider } from './providers/LogProvider';
import { PushConn } from './PushConn';
import { readPushConfig } from './PushConfig';
import type { PushContext } from './PushContext';
import { PushDispatcher } from './PushDispatcher';
import { PushStats } from './PushStats';
import { withMetrics } from '../../util/metrics';
import { definePushMetrics } from './PushMetrics';

export interface PushServer extends RunningServer {
  /** Counters of what was delivered, logged, failed. */
  stats: PushStats;
  ticker: Ticker;
}

/**
 * push_server (edge.md §4): msg_servers hand it ready-made push jobs on port 8500; it delivers iOS
 * tokens through APNs (HTTP/2) and Android tokens through FCM when credentials are configured, and
 * otherwise records what it would have sent. Unlike the original it always listens, whatever the
 * state of the credentials or of Apple (edge.md §4.2, §4.7).
 */
export async function start(opts: { confPath: string; transport?: Transport }): Promise<PushServer> {
  const log = childLog({ server: 'push' });
  const cfg = readPushConfig(ConfFile.load(opts.confPath));
  const transport = opts.transport ?? defaultTransport();
  const ticker = new Ticker();

  if (cfg.legacyKeys.length > 0) {
    log.info({ keys: cfg.legacyKeys }, 'legacy binary-APNs keys ignored (Apple retired that API); use ApnsKeyPath/ApnsKeyId/ApnsTeamId/ApnsTopic');
  }
  const stats = new PushStats();
  const dispatcher = new PushDispatcher({
    ios: cfg.apns ? new ApnsProvider(cfg.apns, log) : undefined,
    android: cfg.fcm ? new FcmProvider(cfg.fcm, log) : undefined,
    log: new LogProvider(log, cfg.logPath),
  }, stats, log, cfg.maxParallel);

  const ctx: PushContext = {
    log,
    dispatcher,
    handlers: new HandlerTable<PushConn>()
      .on(Cid.CID_OTHER_HEARTBEAT, echoHeartbeat)
      .on(Cid.CID_OTHER_PUSH_TO_USER_REQ, handlePushToUser),
  };

  const links = new ConnGroup<PushConn>(ticker, (c, reason, errno) =>
    log.info({ link: c.id, reason, errno }, 'msg_server link closed'));
  const accept = (info: AcceptInfo): PushConn => {
    log.info({ link: info.id, peer: `${info.peerIp}:${info.peerPort}` }, 'msg_server link accepted');
    return links.adopt(new PushConn(transport, ctx), info);
  };

  const listener = await transport.listen(cfg.listenIp, cfg.listenPort, accept);
  ticker.start();
  log.info({ listen: `${listener.host}:${listener.port}`, apns: cfg.apns ? `${cfg.apns.host}:${cfg.apns.port}` : 'off (logging)',
    fcm: cfg.fcm ? cfg.fcm.endpoint : 'off (logging)' }, 'push_server listening');

  let stopped = false;
  // Optional (MetricsPort in pushserver.conf): PushStats and links for Prometheus.
  return withMetrics(opts.confPath, (m) => definePushMetrics(m, stats, links), {
    name: 'push_server',
    ports: { msg: listener.port },
    stats,
    ticker,
    async stop() {
      if (stopped) return;
      stopped = true;
      ticker.stop();
      listener.close();
      links.closeAll();
      await dispatcher.close();
    },
  });
}
