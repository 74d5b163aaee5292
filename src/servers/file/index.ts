import { ConfFile } from '../../conf/ConfFile';
import type { RunningServer } from '../../cli/serverModule';
import { ConnGroup } from '../../net/ConnGroup';
import { HandlerTable } from '../../net/HandlerTable';
import { defaultTransport } from '../../net/defaultTransport';
import { Ticker } from '../../net/Ticker';
import type { AcceptInfo, Listener, Transport } from '../../net/Transport';
import { Cid } from '../../pdu/commands';
import { childLog } from '../../util/log';
import type { Logger } from '../../util/log';
import { echoHeartbeat } from './echoHeartbeat';
import type { FileContext } from './FileContext';
import { FileClientConn } from './FileClientConn';
import { readFileConfig } from './FileConfig';
import { handleFileLogin } from './handlers/handleFileLogin';
import { handleFileServerIpReq } from './handlers/handleFileServerIpReq';
import { handleFileState } from './handlers/handleFileState';
import { handleFileTransferReq } from './handlers/handleFileTransferReq';
import { handlePullDataReq } from './handlers/handlePullDataReq';
import { handlePullDataRsp } from './handlers/handlePullDataRsp';
import { LoginThrottle } from './LoginThrottle';
import { MsgLinkConn } from './MsgLinkConn';
import { OfflineStore } from './OfflineStore';
import { TaskTable } from './TaskTable';
import { withMetrics } from '../../util/metrics';
import { defineFileMetrics } from './FileMetrics';

export interface FileServer extends RunningServer {
  /** Live state, for tests and metrics. */
  ctx: FileContext;
  ticker: Ticker;
}

/** Stored offline files are checked for expiry this often (and once at start-up). */
const STORE_SWEEP_MS = 3_600_000;

/**
 * file_server (edge.md §1): moves one file from a sender to a receiver, relayed live (online) or
 * stored on disk for later (offline). msg_servers connect to port 8601 to learn the client address
 * and to create tasks; file clients connect to port 8600, log into a task and transfer.
 * It never talks to db_proxy.
 */
export async function start(opts: { confPath: string; transport?: Transport; log?: Logger }): Promise<FileServer> {
  // Tests pass a capturing logger to check the lines refusals write.
  const log = opts.log ?? childLog({ server: 'file' });
  const cfg = readFileConfig(ConfFile.load(opts.confPath), log);
  const transport = opts.transport ?? defaultTransport();
  const ticker = new Ticker();

  const store = new OfflineStore(cfg.offlineFileDir, log);
  await store.init();

  const ctx: FileContext = {
    log,
    tasks: new TaskTable(cfg.taskTimeoutMs, log),
    store,
    throttle: new LoginThrottle(),
    limits: { maxFileBytes: cfg.maxOfflineFileBytes, minFreeDiskBytes: cfg.minFreeDiskBytes },
    advertised: [],
    // Port 8600: file clients (edge.md §1.3). Anything else is logged and dropped.
    clientHandlers: new HandlerTable<FileClientConn>()
      .on(Cid.CID_OTHER_HEARTBEAT, echoHeartbeat)
      .on(Cid.CID_FILE_LOGIN_REQ, handleFileLogin)
      .on(Cid.CID_FILE_STATE, handleFileState)
      .on(Cid.CID_FILE_PULL_DATA_REQ, handlePullDataReq)
      .on(Cid.CID_FILE_PULL_DATA_RSP, handlePullDataRsp),
    // Port 8601: msg_servers.
    msgHandlers: new HandlerTable<MsgLinkConn>()
      .on(Cid.CID_OTHER_HEARTBEAT, echoHeartbeat)
      .on(Cid.CID_OTHER_FILE_SERVER_IP_REQ, handleFileServerIpReq)
      .on(Cid.CID_OTHER_FILE_TRANSFER_REQ, handleFileTransferReq),
  };
  ticker.add(ctx.tasks); // the task sweep runs every 10 s off the shared 1-s tick

  const clients = new ConnGroup<FileClientConn>(ticker);
  const links = new ConnGroup<MsgLinkConn>(ticker, (c, reason, errno) =>
    log.info({ link: c.id, reason, errno }, 'msg_server link closed'));
  const acceptClient = (info: AcceptInfo): FileClientConn => clients.adopt(new FileClientConn(transport, ctx), info);
  const acceptMsgServer = (info: AcceptInfo): MsgLinkConn => {
    log.info({ link: info.id, peer: `${info.peerIp}:${info.peerPort}` }, 'msg_server link accepted');
    return links.adopt(new MsgLinkConn(transport, ctx), info);
  };

  const listeners: Listener[] = [];
  try {
    // Port 0 (tests) on several addresses: the first bound port is used for the rest, so the
    // advertised list names one port like the original.
    let clientPort = cfg.clientListenPort;
    for (const ip of cfg.clientListenIps) {
      const l = await transport.listen(ip, clientPort, acceptClient);
      listeners.push(l);
      clientPort = l.port;
    }
    ctx.advertised = cfg.advertisedIps.map((ip) => ({ ip, port: clientPort }));
    listeners.push(await transport.listen(cfg.msgServerListenIp, cfg.msgServerListenPort, acceptMsgServer));
  } catch (err) {
    for (const l of listeners) l.close();
    throw err;
  }

  // Rewrite (edge.md §1.10): stored files expire; partial files left by a crash go at once.
  const sweepStore = (): void => {
    store.sweep(Date.now(), cfg.offlineExpireMs)
      .catch((err: unknown) => log.error({ err }, 'offline store sweep failed'));
  };
  sweepStore();
  const storeTimer = setInterval(sweepStore, STORE_SWEEP_MS);
  storeTimer.unref();
  ticker.start();

  const clientListen = listeners[0]!;
  const msgListen = listeners[listeners.length - 1]!;
  log.info({ clients: listeners.slice(0, -1).map((l) => `${l.host}:${l.port}`), msgServers: `${msgListen.host}:${msgListen.port}`,
    advertised: ctx.advertised, store: store.root }, 'file_server listening');

  let stopped = false;
  // Optional (MetricsPort in fileserver.conf): tasks and connections for Prometheus.
  return withMetrics(opts.confPath, (m) => defineFileMetrics(m, { ctx, clients, links }), {
    name: 'file_server',
    ports: { client: clientListen.port, msg: msgListen.port },
    ctx,
    ticker,
    async stop() {
      if (stopped) return;
      stopped = true;
      ticker.stop();
      clearInterval(storeTimer);
      for (const l of listeners) l.close();
      clients.closeAll();
      links.closeAll();
    },
  });
}
