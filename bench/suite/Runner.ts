import cliProgress from 'cli-progress';
import type { MysqlSettings } from '../../src/cli/provision/DbSettings';
import { accountName, countGroupMessages, countSingleMessages, ensureAccounts } from './Accounts';
import { epochMs } from './BenchConn';
import { accountDeliveries, DeliveryAccount } from './DeliveryAccount';
import { describeMysql, openPool } from './MysqlSpec';
import { ProcSnapshot, resolvePids, snapshot } from './ServerProcs';
import { describeTarget } from './Target';
import { TimeSeries } from './TimeSeries';
import type { Counters, SendSpec, Slot, TargetSpec, WorkerPlan, WorkerReport } from './types';
import { WorkerPool } from './WorkerPool';

/** At most this many connections per bench process (the open-file limit here is 20 000). */
export const MAX_CONNS_PER_WORKER = 15_000;
/** Beyond this many connections, spread them over 127.0.0.x source addresses (ephemeral ports). */
export const CONNS_PER_SOURCE_ADDRESS = 25_000;
const CPU_WARN = 0.9;

export interface RunOptions {
  label: string;
  target: TargetSpec;
  workers: number;
  prefix: string;
  password: string;
  clientType: number;
  clientVersion: string;
  aesKey: string;
  loginRate: number;
  loginConcurrency: number;
  loginTimeoutMs: number;
  heartbeatMs: number;
  ratePerSender: number;
  window: number;
  textBytes: number;
  readAck: boolean;
  /** login_server lookup per login (default) or once per worker */
  lookupMode?: 'each' | 'once';
  /** traffic phase length (0 = no traffic) */
  durationMs: number;
  drainMs: number;
  /** the drain goes on while acks or deliveries still arrive, up to this long */
  drainMaxMs: number;
  /** idle: how long the logged-in connections are held before measuring */
  holdMs: number;
  logout: boolean;
  mysql: MysqlSettings | undefined;
  /** create/repair the accounts (needs mysql) */
  createAccounts: boolean;
  verifyDb: boolean;
  pids: Partial<Record<string, number[]>>;
  progress: boolean;
}

/** What a scenario asks for: one entry per connection, with what it sends once everyone is in. */
export interface Layout {
  sends: Array<SendSpec | undefined>;
  hasTraffic: boolean;
  hold: boolean;
}

export interface RunData {
  label: string;
  target: string;
  options: RunOptions;
  startedAt: string;
  connections: number;
  workers: number;
  sourceAddresses: number;
  series: TimeSeries;
  phaseSeconds: Record<string, number>;
  loginFailReasons: Record<string, number>;
  accounts?: { created: number; repaired: number; db: string };
  procsBefore: ProcSnapshot[];
  procsAfterLogin: ProcSnapshot[];
  procsTrafficStart: ProcSnapshot[];
  procsEnd: ProcSnapshot[];
  delivery?: DeliveryAccount;
  reports: WorkerReport[];
  db?: { singleRows: number; groupRows: number; error?: string };
  clientCpuMax: number;
  cpuWarnings: string[];
  errors: string[];
}

const say = (line: string): void => { process.stderr.write(`[bench] ${line}\n`); };

/** Split connections over workers in contiguous blocks (pairs and groups mostly stay together). */
export function planSlots(layout: Layout, o: Pick<RunOptions, 'prefix' | 'workers'>): Slot[][] {
  const n = layout.sends.length;
  const workers = Math.max(1, o.workers, Math.ceil(n / MAX_CONNS_PER_WORKER));
  const spread = n > CONNS_PER_SOURCE_ADDRESS;
  const per = Math.ceil(n / workers);
  const out: Slot[][] = [];
  for (let w = 0; w < workers; w++) out.push([]);
  for (let i = 0; i < n; i++) {
    const slot: Slot = { index: i, name: accountName(o.prefix, i + 1) };
    if (spread) slot.localAddress = `127.0.0.${1 + Math.floor(i / CONNS_PER_SOURCE_ADDRESS)}`;
    const send = layout.sends[i];
    if (send !== undefined) slot.send = send;
    out[Math.floor(i / per)]!.push(slot);
  }
  return out.filter((s) => s.length > 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function allSnapshots(pids: Record<string, number[]>): ProcSnapshot[] {
  return Object.entries(pids).flatMap(([role, list]) => snapshot(role, list));
}

/**
 * One scenario against one deployment: accounts, workers, login ramp, optional hold, optional
 * traffic and drain, the workers' books, the database check. Everything measured lands in RunData.
 */
export async function runScenario(scenario: string, layout: Layout, o: RunOptions): Promise<RunData> {
  const n = layout.sends.length;
  const data: RunData = {
    label: o.label, target: describeTarget(o.target), options: o, startedAt: new Date().toISOString(), connections: n,
    workers: 0, sourceAddresses: 1, series: new TimeSeries(epochMs()), phaseSeconds: {}, loginFailReasons: {},
    procsBefore: [], procsAfterLogin: [], procsTrafficStart: [], procsEnd: [], reports: [], clientCpuMax: 0,
    cpuWarnings: [], errors: [],
  };

  if (o.mysql !== undefined && o.createAccounts) {
    const pool = openPool(o.mysql);
    try {
      const t = Date.now();
      const r = await ensureAccounts(pool, o.prefix, n, o.password);
      data.accounts = { created: r.created, repaired: r.repaired, db: describeMysql(o.mysql) };
      say(`${o.label}: ${n} accounts ready in ${describeMysql(o.mysql)} (${r.created} created, ${r.repaired} repaired, ${Date.now() - t} ms)`);
    } finally {
      await pool.end();
    }
  }

  const slotsPerWorker = planSlots(layout, o);
  data.workers = slotsPerWorker.length;
  data.sourceAddresses = n > CONNS_PER_SOURCE_ADDRESS ? Math.ceil(n / CONNS_PER_SOURCE_ADDRESS) : 1;
  const plans: WorkerPlan[] = slotsPerWorker.map((slots, w) => ({
    worker: w, target: o.target, password: o.password, clientType: o.clientType, clientVersion: o.clientVersion,
    aesKey: o.aesKey,
    loginRate: o.loginRate > 0 ? o.loginRate / slotsPerWorker.length : 0,
    loginConcurrency: Math.max(1, Math.ceil(o.loginConcurrency / slotsPerWorker.length)),
    loginTimeoutMs: o.loginTimeoutMs, heartbeatMs: o.heartbeatMs, ratePerSender: o.ratePerSender, window: o.window,
    textBytes: o.textBytes, readAck: o.readAck, lookupMode: o.lookupMode ?? 'each', slots,
  }));

  const pids = resolvePids(o.pids);
  data.procsBefore = allSnapshots(pids);
  const series = new TimeSeries(epochMs());
  data.series = series;
  series.setPhase('login', epochMs());
  const bar = new ProgressView(o.progress, o.label);
  const warnedWorkers = new Set<number>();
  let loginDone = 0;
  let lastProgressAt = epochMs();
  const pool = new WorkerPool(plans, (s) => {
    series.add(s);
    if (s.counters.acked + s.counters.delivered > 0) lastProgressAt = epochMs();
    loginDone += s.counters.loginOk + s.counters.loginFail;
    if (s.cpu > CPU_WARN && !warnedWorkers.has(s.worker)) {
      warnedWorkers.add(s.worker);
      const line = `bench worker ${s.worker} used ${(s.cpu * 100).toFixed(0)} % of a core: the client side may be the bottleneck (add --workers)`;
      data.cpuWarnings.push(line);
      bar.log(`WARNING: ${line}`);
    }
    bar.tick(series, loginDone, n);
  });
  bar.phase('login', n);
  const startedLoginAt = epochMs();
  try {
    const loggedIn = await pool.all('loggedIn');
    const loginSec = (epochMs() - startedLoginAt) / 1000;
    data.phaseSeconds.login = loginSec;
    const uids: number[] = new Array<number>(n).fill(0);
    for (const m of loggedIn) {
      for (const [slot, uid] of m.uids) uids[slot] = uid;
      for (const [k, v] of Object.entries(m.reasons)) data.loginFailReasons[k] = (data.loginFailReasons[k] ?? 0) + v;
    }
    const online = uids.filter((u) => u !== 0).length;
    bar.log(`${o.label}: ${online}/${n} logged in in ${loginSec.toFixed(1)} s`);
    data.procsAfterLogin = allSnapshots(pids);

    if (layout.hold) {
      series.setPhase('hold', epochMs());
      bar.phase('hold', Math.round(o.holdMs / 1000));
      const holdStart = epochMs();
      while (epochMs() - holdStart < o.holdMs) {
        await sleep(Math.min(1000, o.holdMs - (epochMs() - holdStart)));
        bar.set(Math.round((epochMs() - holdStart) / 1000));
      }
      data.phaseSeconds.hold = (epochMs() - holdStart) / 1000;
    }

    let trafficStartSec = 0;
    if (layout.hasTraffic && o.durationMs > 0) {
      data.procsTrafficStart = allSnapshots(pids);
      trafficStartSec = Math.floor(Date.now() / 1000);
      series.setPhase('traffic', epochMs());
      bar.phase('traffic', Math.round(o.durationMs / 1000));
      const trafficStart = epochMs();
      pool.broadcast({ type: 'go', uids, durationMs: o.durationMs });
      const progress = setInterval(() => bar.set(Math.min(Math.round(o.durationMs / 1000), Math.round((epochMs() - trafficStart) / 1000))), 500);
      try {
        await pool.all('sendDone', o.durationMs + 60_000);
      } finally {
        clearInterval(progress);
      }
      data.phaseSeconds.traffic = (epochMs() - trafficStart) / 1000;
      series.setPhase('drain', epochMs());
      bar.phase('drain', Math.round(o.drainMs / 1000));
      // Acks and deliveries still in flight get at least drainMs, and more while they keep
      // coming (an overloaded server works off its backlog), before anything counts as lost.
      const drainStart = epochMs();
      const quiet = (): boolean => epochMs() - lastProgressAt > 2500;
      while (epochMs() - drainStart < o.drainMs || (!quiet() && epochMs() - drainStart < o.drainMaxMs)) {
        await sleep(500);
        bar.set(Math.min(Math.round(o.drainMs / 1000), Math.round((epochMs() - drainStart) / 1000)));
      }
      data.phaseSeconds.drain = (epochMs() - drainStart) / 1000;
    }
    data.procsEnd = allSnapshots(pids);
    pool.broadcast({ type: 'report' });
    data.reports = (await pool.all('report', 30_000)).map((m) => m.report);
    for (const r of data.reports) data.errors.push(...r.errors);
    if (layout.hasTraffic && o.durationMs > 0) {
      data.delivery = accountDeliveries(data.reports);
      if (o.verifyDb && o.mysql !== undefined) data.db = await verifyDb(o.mysql, data.reports, trafficStartSec);
    }
    series.setPhase('close', epochMs());
  } finally {
    bar.stop();
    await pool.shutdown(o.logout);
  }
  data.clientCpuMax = series.maxClientCpu;
  return data;
}

/** Durability (issue 8): every acked message must be a row in its shard. */
async function verifyDb(m: MysqlSettings, reports: WorkerReport[], sinceSec: number): Promise<RunData['db']> {
  const pool = openPool(m);
  try {
    const singleSenders = reports.flatMap((r) => r.acked.filter((a) => !a.group).map((a) => a.from));
    const gids = reports.flatMap((r) => r.groups.map((g) => g.gid));
    const singleRows = singleSenders.length > 0 ? await countSingleMessages(pool, singleSenders, sinceSec) : 0;
    const groupRows = gids.length > 0 ? await countGroupMessages(pool, gids) : 0;
    return { singleRows, groupRows };
  } catch (e) {
    return { singleRows: -1, groupRows: -1, error: (e as Error).message };
  } finally {
    await pool.end();
  }
}

/** Server CPU use (percent of one core) per role between two snapshots. */
export function serverCpu(before: ProcSnapshot[], after: ProcSnapshot[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of after) {
    const b = before.find((x) => x.pid === a.pid);
    if (b === undefined || a.at <= b.at) continue;
    out[a.role] = (out[a.role] ?? 0) + ((a.cpuSec - b.cpuSec) / ((a.at - b.at) / 1000)) * 100;
  }
  return out;
}

export function rssByRole(s: ProcSnapshot[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of s) out[p.role] = (out[p.role] ?? 0) + p.rssKiB;
  return out;
}

/** The cli-progress bar, or plain phase lines when stderr is not a terminal. */
class ProgressView {
  private bar: cliProgress.SingleBar | undefined;
  private current = '';
  private readonly tty: boolean;

  constructor(private readonly enabled: boolean, private readonly label: string) {
    this.tty = enabled && process.stderr.isTTY === true;
  }

  phase(name: string, total: number): void {
    if (!this.enabled) return;
    this.current = name;
    if (!this.tty) {
      say(`${this.label}: ${name}${total > 0 ? ` (${total}${name === 'login' ? ' connections' : ' s'})` : ''}`);
      return;
    }
    this.bar?.stop();
    this.bar = new cliProgress.SingleBar({
      format: `${this.label} {phase} |{bar}| {value}/{total} {info}`,
      hideCursor: true,
      barsize: 30,
    }, cliProgress.Presets.shades_classic);
    this.bar.start(Math.max(1, total), 0, { phase: name.padEnd(7), info: '' });
  }

  tick(series: TimeSeries, loginDone: number, n: number): void {
    if (this.bar === undefined) return;
    const pts = series.points();
    const last = pts[pts.length - 1];
    const r: Counters | undefined = last?.rates;
    const info = r === undefined ? '' : this.current === 'login'
      ? `ok ${series.totals.loginOk} fail ${series.totals.loginFail} (${r.loginOk}/s)`
      : `online ${last!.online} sent ${r.sent}/s acked ${r.acked}/s deliv ${r.delivered}/s ack-p99 ${last!.p99.ack.toFixed(1)} ms`;
    if (this.current === 'login') this.bar.update(Math.min(n, loginDone), { info });
    else this.bar.update({ info });
  }

  set(v: number): void {
    this.bar?.update(v);
  }

  log(line: string): void {
    if (!this.enabled) return;
    if (this.bar !== undefined) process.stderr.write('\n');
    say(line);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
