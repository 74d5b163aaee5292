import type { Listener, Transport } from '../../net/Transport';
import { defaultTransport } from '../../net/defaultTransport';
import { HandlerTable } from '../../net/HandlerTable';
import { Ticker } from '../../net/Ticker';
import { PduError } from '../../pdu/PduError';
import type { Pdu } from '../../pdu/Pdu';
import { childLog } from '../../util/log';
import type { Logger } from '../../util/log';
import { nowMs } from '../../util/clock';
import { COMMANDS, DbCommand } from './commands';
import { loadDbProxyConfig, workerCount } from './DbProxyConfig';
import { DbProxyConn } from './DbProxyConn';
import { decodeBody, encodeBody, IM } from './pdu';
import { WorkerPool } from './WorkerPool';
import { SKIM_ABOVE, skimBody } from './keySkim';
import { OVERSIZED_KEY } from './workKey';
import { withMetrics } from '../../util/metrics';
import { defineDbProxyMetrics, RequestCount } from './DbProxyMetrics';
import { allocateWorkerStats, WorkerStatsReader } from './worker/WorkerStats';

export interface RunningServer {
  name: string;
  ports: Record<string, number>;
  stop(): Promise<void>;
}

/**
 * db_proxy_server: the only process that touches MySQL and Redis (db_proxy.md).
 *
 * It reads dbproxyserver.conf, starts worker threads that each own MySQL pools and Redis clients,
 * listens on ListenIP:ListenPort for msg_server and http_msg_server links, and forwards each of
 * the 26 commands to the worker that owns its conversation, group or user. Every answer goes
 * back on the link the request came from, with the request's seq and attach_data.
 */
export async function start(opts: { confPath: string; transport?: Transport; log?: Logger }): Promise<RunningServer> {
  // The I/O thread's log (tests pass their own to read it); workers log through their own root.
  const log = opts.log?.child({ server: 'db_proxy' }) ?? childLog({ server: 'db_proxy' });
  const cfg = loadDbProxyConfig(opts.confPath);
  const transport = opts.transport ?? defaultTransport();
  const ticker = new Ticker();
  const links = new Map<number, DbProxyConn>();

  // Answers come back by connection id; a link that closed meanwhile just loses its answer (§2.3).
  const pool = new WorkerPool((connId, cid, frame) => {
    const conn = links.get(connId);
    if (!conn) {
      if (frame) log.info({ conn: connId, cid }, 'reply dropped: link is gone');
      return;
    }
    conn.requestDone();
    if (frame) conn.sendRaw(frame);
  }, log);

  /** The I/O thread's part of a command: find its work key and hand it to that worker. */
  const forward = (cmd: DbCommand) => (conn: DbProxyConn, pdu: Pdu): void => {
    let key: string;
    try {
      key = pdu.body.length > SKIM_ABOVE ? skimmedKey(cmd, pdu) : cmd.key(decodeBody(cmd.type, pdu));
    } catch (err) {
      if (!(err instanceof PduError)) throw err;
      log.warn({ conn: conn.id, cid: pdu.header.commandId, err: err.message }, 'malformed request body');
      conn.noteGarbage(nowMs());
      if (!cmd.unparsable || conn.closed) return;
      key = 'unparsable'; // the worker answers it (validate: code 2)
    }
    conn.requestQueued();
    pool.submit(conn.id, pdu.header.commandId, pdu.header.seq, key, pdu.body);
  };
  /**
   * The key of a large body from a skim of it (keySkim.ts), so the I/O thread never decodes
   * megabytes; the worker decodes the whole body (and answers a malformed one as usual). A skim
   * that does not decode, though its top level was well-formed, gets a fixed key.
   */
  const skimmedKey = (cmd: DbCommand, pdu: Pdu): string => {
    const skim = skimBody(pdu.body, pdu.header.commandId);
    try {
      return cmd.key(decodeBody(cmd.type, skim, pdu.header.commandId));
    } catch (err) {
      if (!(err instanceof PduError)) throw err;
      return OVERSIZED_KEY;
    }
  };
  // Requests per command for metrics: a plain number per command, bumped without any lookup.
  const requests: RequestCount[] = [];
  const counted = (cmd: DbCommand): ((conn: DbProxyConn, pdu: Pdu) => void) => {
    const count: RequestCount = { cid: cmd.cid, n: 0 };
    requests.push(count);
    const f = forward(cmd);
    return (conn, pdu) => { count.n += 1; f(conn, pdu); };
  };
  const handlers = new HandlerTable<DbProxyConn>(COMMANDS.map((c) => [c.cid, counted(c)] as const));

  const workers = workerCount(cfg);
  // A few hundred bytes of shared memory where the workers keep their metrics figures.
  const workerStats = allocateWorkerStats(workers);
  cfg.workerStats = workerStats;
  await pool.start(cfg, workers);

  const listeners: Listener[] = [];
  const linkHooks = { handlers, closed: (c: DbProxyConn) => { links.delete(c.id); ticker.delete(c); } };
  try {
    for (const ip of cfg.listenIps) {
      listeners.push(await transport.listen(ip, cfg.listenPort, ({ id, peerIp, peerPort }) => {
        const c = new DbProxyConn(transport, log, linkHooks);
        c.id = id; c.peerIp = peerIp; c.peerPort = peerPort;
        links.set(id, c);
        ticker.add(c);
        log.info({ conn: id, peer: `${peerIp}:${peerPort}` }, 'link accepted');
        return c;
      }));
    }
  } catch (err) {
    for (const l of listeners) l.close();
    await pool.stop();
    throw err;
  }
  ticker.start();
  log.info({ listen: cfg.listenIps, port: listeners[0]?.port, workers }, 'db_proxy_server ready');

  let stopping: Promise<void> | undefined;
  // Optional (MetricsPort in dbproxyserver.conf): links, queue depth, requests by kind.
  return withMetrics(opts.confPath, (m) => defineDbProxyMetrics(m, { links, pool, requests, workers: new WorkerStatsReader(workerStats) }), {
    name: 'db_proxy',
    ports: { ListenPort: listeners[0]?.port ?? cfg.listenPort },
    stop: () => {
      stopping ??= (async () => {
        for (const l of listeners) l.close();
        // Peers stop sending (§1 Shutdown); queued work still finishes and is answered.
        const stopBody = encodeBody(IM.Server.IMStopReceivePacket, { result: 0 });
        for (const c of links.values()) c.sendStopReceive(stopBody);
        await pool.stop();
        ticker.stop();
        for (const c of [...links.values()]) c.close();
        log.info('db_proxy_server stopped');
      })();
      return stopping;
    },
  });
}
