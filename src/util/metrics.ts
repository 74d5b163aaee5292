import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Metric } from 'prom-client';
import { ConfFile } from '../conf/ConfFile';
import { netCounters } from '../net/netCounters';
import { nativeStatsIfLoaded } from '../net/NativeTransport';
import type { CloseReason } from '../net/Transport';
import { childLog } from './log';

/**
 * Operational metrics in the Prometheus text format (prom-client).
 *
 * Servers keep plain-number counters on their own objects (MsgStats, netCounters, ...) and bump
 * them with `+= 1` on the hot path; the metrics defined here only READ those numbers, inside
 * prom-client's collect() callbacks, when /metrics is scraped. Nothing here runs per PDU.
 *
 * Metrics are off unless a server's .conf sets `MetricsPort` (not an original key: the original
 * had no metrics, so an unchanged .conf behaves like it). `MetricsIP` defaults to 127.0.0.1.
 */

const log = childLog({ mod: 'metrics' });
const PREFIX = 'teamtalk_';

let processRegistry: Registry | undefined;

/**
 * The process's registry: Node's default metrics (RSS, CPU, heap, event-loop lag, GC) and the
 * network base's counters. Created on first use, once per process, so a process without metrics
 * pays nothing.
 */
export function processMetrics(): Registry {
  if (processRegistry) return processRegistry;
  const reg = new Registry();
  collectDefaultMetrics({ register: reg });
  registerNetMetrics(new MetricSet(reg));
  processRegistry = reg;
  return reg;
}

/** One server's metrics: a registry of its own, so two servers in one process (tests) never clash. */
export class MetricSet {
  constructor(readonly registry: Registry = new Registry()) {}

  /** A value that goes up and down, read at scrape time. */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({ name: PREFIX + name, help, registers: [this.registry], collect() { this.set(read()); } });
  }

  /** A monotonic count kept elsewhere as a plain number, read at scrape time. */
  counter(name: string, help: string, read: () => number): void {
    new Counter({
      name: PREFIX + name, help, registers: [this.registry],
      collect() { this.reset(); this.inc(Math.max(0, read())); },
    });
  }

  /** A gauge with one label; `read` returns the value per label value. */
  labeledGauge(name: string, help: string, label: string, read: () => Iterable<readonly [string, number]>): void {
    new Gauge({
      name: PREFIX + name, help, labelNames: [label], registers: [this.registry],
      collect() {
        this.reset();
        for (const [k, v] of read()) this.set({ [label]: k }, v);
      },
    });
  }

  /** A counter with one label; `read` returns the count per label value. */
  labeledCounter(name: string, help: string, label: string, read: () => Iterable<readonly [string, number]>): void {
    new Counter({
      name: PREFIX + name, help, labelNames: [label], registers: [this.registry],
      collect() {
        this.reset();
        for (const [k, v] of read()) this.inc({ [label]: k }, Math.max(0, v));
      },
    });
  }

  /** A histogram whose buckets are plain numbers kept elsewhere (see PlainHistogram). */
  histogram(name: string, help: string, read: () => HistogramData): void {
    this.registry.registerMetric(new ReadHistogram(PREFIX + name, help, read) as unknown as Metric);
  }
}

/** Cumulative-on-export bucket counts: `counts[i]` observations <= `buckets[i]` (and not <= the previous). */
export interface HistogramData {
  buckets: readonly number[];
  /** One per bucket, plus one for +Inf. Not cumulative. */
  counts: ArrayLike<number>;
  sum: number;
  count: number;
}

/**
 * A histogram kept as plain numbers: `observe()` is a short loop and three additions, no label or
 * map lookup, so it may sit on a path that runs per batch. Export is cumulative, as Prometheus wants.
 */
export class PlainHistogram implements HistogramData {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly buckets: readonly number[]) {
    this.counts = new Array<number>(buckets.length + 1).fill(0);
  }

  observe(v: number): void {
    let i = 0;
    while (i < this.buckets.length && v > this.buckets[i]!) i++;
    this.counts[i]! += 1;
    this.sum += v;
    this.count += 1;
  }
}

/** prom-client's custom-metric shape: anything with name, get() and reset() can be registered. */
class ReadHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  constructor(readonly name: string, readonly help: string, private readonly read: () => HistogramData) {}

  reset(): void {}

  get(): { name: string; help: string; type: string; aggregator: string; values: { metricName: string; labels: Record<string, string | number>; value: number }[] } {
    const d = this.read();
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    let acc = 0;
    for (let i = 0; i < d.buckets.length; i++) {
      acc += d.counts[i] ?? 0;
      values.push({ metricName: `${this.name}_bucket`, labels: { le: d.buckets[i]! }, value: acc });
    }
    acc += d.counts[d.buckets.length] ?? 0;
    values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf' }, value: acc });
    values.push({ metricName: `${this.name}_sum`, labels: {}, value: d.sum });
    values.push({ metricName: `${this.name}_count`, labels: {}, value: d.count });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

const CLOSE_REASONS: readonly CloseReason[] = ['peer', 'error', 'slow-consumer', 'local', 'connect-failed'];

/** The network base's counters (src/net/netCounters.ts), plus the native loop's when it runs here. */
function registerNetMetrics(m: MetricSet): void {
  const c = netCounters;
  m.counter('net_connections_accepted_total', 'Connections accepted on any listener', () => c.accepted);
  m.counter('net_connects_total', 'Outgoing connects started (links to other servers)', () => c.connects);
  m.labeledCounter('net_connections_closed_total', 'Sockets closed, by reason (slow-consumer: output queue over its cap)', 'reason',
    () => CLOSE_REASONS.map((r) => [r, c.closed[r]] as const));
  m.gauge('net_connections_open', 'Sockets open (accepted + connected - closed)', () => {
    let closed = 0;
    for (const r of CLOSE_REASONS) closed += c.closed[r];
    return c.accepted + c.connects - closed;
  });
  m.counter('net_bad_frames_total', 'Connections closed for a frame length outside 16..max', () => c.badFrames);
  m.counter('net_malformed_pdus_total', 'Connections closed because a PDU body did not decode', () => c.malformedPdus);
  m.counter('net_handler_errors_total', 'Handlers that failed with an unexpected error (logged)', () => c.handlerErrors);
  m.counter('net_unknown_commands_total', 'PDUs with a command id the server does not handle (dropped)', () => c.unknownCommands);
  m.counter('net_pdus_received_total', 'Whole PDUs received and dispatched', () => c.pdusIn);
  m.counter('net_pdu_writes_total', 'Writes of one or more whole PDUs', () => c.pduWrites);
  m.counter('net_bytes_received_total', 'Bytes read from sockets', () => c.bytesIn + (nativeStatsIfLoaded()?.bytesIn ?? 0));
  m.counter('net_bytes_sent_total', 'Bytes queued for sockets', () => c.bytesOut + (nativeStatsIfLoaded()?.bytesOut ?? 0));
  m.counter('net_native_batches_total', 'Calls of the native epoll loop into JS (one per slice of ready sockets)', () => nativeStatsIfLoaded()?.batches ?? 0);
}

/** Where a server's metrics are served, from its .conf. Undefined when `MetricsPort` is not set. */
export interface MetricsEndpointConf {
  host: string;
  port: number;
}

export function readMetricsConf(confPath: string): MetricsEndpointConf | undefined {
  const conf = ConfFile.load(confPath);
  if (!conf.has('MetricsPort')) return undefined;
  return { host: conf.optStr('MetricsIP', '127.0.0.1'), port: conf.port('MetricsPort') };
}

export interface MetricsServer {
  readonly host: string;
  /** The port actually bound (MetricsPort may be 0 in tests). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A tiny HTTP server: GET /metrics answers the process's metrics and the given registries' in the
 * Prometheus text format; anything else is 404. Loopback by default: metrics tell an attacker a lot.
 */
export function serveMetrics(host: string, port: number, ...registries: Registry[]): Promise<MetricsServer> {
  const regs = [processMetrics(), ...registries];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    Promise.all(regs.map((r) => r.metrics())).then(
      (texts) => { res.writeHead(200, { 'content-type': Registry.PROMETHEUS_CONTENT_TYPE }).end(texts.join('\n')); },
      (err: unknown) => {
        log.error({ err }, 'collecting metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics unavailable\n');
      },
    );
  });
  // Scrapers keep connections alive; never let one hold the process open or a stop() waiting.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  // A scraper needs one connection; a bound keeps a misbehaving client from piling up sockets.
  server.maxConnections = 64;
  let closing: Promise<void> | undefined;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      server.on('error', (err) => log.error({ err, host, port }, 'metrics listener error'));
      const bound = (server.address() as AddressInfo).port;
      log.info({ host, port: bound }, 'metrics served at /metrics');
      resolve({
        host,
        port: bound,
        close: () => {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}

/**
 * The one call a server's index.ts makes: when its .conf sets MetricsPort, define its metrics with
 * `define` and serve them; otherwise do nothing and return undefined.
 */
export async function startMetrics(confPath: string, define: (m: MetricSet) => void): Promise<MetricsServer | undefined> {
  const at = readMetricsConf(confPath);
  if (!at) return undefined;
  const m = new MetricSet();
  define(m);
  return serveMetrics(at.host, at.port, m.registry);
}

/** What withMetrics needs of a started server (the RunningServer contract of docs/architecture.md). */
export interface MetricsHost {
  ports: Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Wraps a started server: when its .conf sets MetricsPort, serves its metrics, adds the bound port
 * as `ports.metrics` and makes stop() close the metrics listener too. If the metrics port cannot be
 * bound, the server is stopped and start-up fails like any other listen failure (servers.md §3.1).
 * Without MetricsPort the server is returned unchanged.
 */
export async function withMetrics<T extends MetricsHost>(confPath: string, define: (m: MetricSet) => void, running: T): Promise<T> {
  let metrics: MetricsServer | undefined;
  try {
    metrics = await startMetrics(confPath, define);
  } catch (err) {
    await running.stop();
    throw err;
  }
  if (!metrics) return running;
  const served = metrics;
  const stopServer = running.stop.bind(running);
  running.ports.metrics = served.port;
  running.stop = async () => {
    await served.close();
    await stopServer();
  };
  return running;
}
