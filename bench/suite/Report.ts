import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HistName } from './types';
import type { RunData } from './Runner';
import { rssByRole, serverCpu } from './Runner';
import { ChartSeries, renderSvg } from './SvgChart';

export interface Metric {
  key: string;
  label: string;
  value: number;
  unit: string;
  /** which direction is better, for the comparison's verdict */
  better?: 'higher' | 'lower';
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface RunResult {
  label: string;
  target: string;
  metrics: Metric[];
  checks: Check[];
}

const HIST_LABEL: Record<HistName, string> = {
  lookup: 'login_server lookup',
  login: 'connect to login reply',
  ack: 'send to ack (stored)',
  deliver: 'send to delivery',
};

/** The figures of one run, in the order the table prints them. */
export function summarize(d: RunData, scenario: string): RunResult {
  const m: Metric[] = [];
  const add = (key: string, label: string, value: number, unit: string, better?: 'higher' | 'lower'): void => {
    m.push({ key, label, value: Number.isFinite(value) ? value : 0, unit, better });
  };
  const t = d.series.totals;
  const loginSec = d.phaseSeconds.login ?? 0;
  add('connections', 'connections', d.connections, '');
  add('login_ok', 'logins ok', t.loginOk, '', 'higher');
  add('login_fail', 'logins failed', t.loginFail, '', 'lower');
  add('logins_per_s', 'logins/s', loginSec > 0 ? t.loginOk / loginSec : 0, '/s', 'higher');
  const lat = (name: HistName, qs: Array<'p50' | 'p90' | 'p99' | 'max'>): void => {
    const h = d.series.hist[name];
    if (h.count === 0) return;
    const s = h.summary(1000);
    for (const q of qs) add(`${name}_${q}_ms`, `${HIST_LABEL[name]} ${q}`, s[q], 'ms', 'lower');
  };
  lat('lookup', ['p50', 'p99']);
  lat('login', ['p50', 'p99', 'max']);

  const afterLogin = rssByRole(d.procsAfterLogin);
  const before = rssByRole(d.procsBefore);
  const end = rssByRole(d.procsEnd);
  const online = d.reports.reduce((k, r) => k + Object.values(r.servers).reduce((a, b) => a + b, 0), 0);
  if (scenario === 'idle') {
    add('held', 'connections held at the end', online, '', 'higher');
    for (const role of ['msg', 'route']) {
      if (before[role] === undefined || end[role] === undefined) continue;
      add(`${role}_rss_before_mib`, `${role}_server RSS before`, before[role]! / 1024, 'MiB');
      add(`${role}_rss_after_mib`, `${role}_server RSS held`, end[role]! / 1024, 'MiB', 'lower');
      add(`${role}_rss_per_conn_kib`, `${role}_server RSS per connection`, online > 0 ? (end[role]! - before[role]!) / online : 0, 'KiB', 'lower');
    }
  } else {
    for (const role of ['msg', 'route']) {
      if (afterLogin[role] !== undefined) add(`${role}_rss_mib`, `${role}_server RSS after login`, afterLogin[role]! / 1024, 'MiB', 'lower');
    }
  }

  const dl = d.delivery;
  if (dl !== undefined) {
    const sec = d.phaseSeconds.traffic ?? 0;
    add('sent', 'messages sent', dl.sent, '');
    add('acked', 'messages acked', dl.acked, '', 'higher');
    add('delivered', 'deliveries', dl.delivered, '', 'higher');
    add('acked_per_s', 'acked/s', sec > 0 ? dl.acked / sec : 0, '/s', 'higher');
    add('delivered_per_s', 'delivered/s', sec > 0 ? dl.delivered / sec : 0, '/s', 'higher');
    lat('ack', ['p50', 'p90', 'p99', 'max']);
    lat('deliver', ['p50', 'p90', 'p99', 'max']);
    add('drain_s', 'drain until quiet', d.phaseSeconds.drain ?? 0, 's');
    add('lost', 'lost (never acked)', dl.lost, '', 'lower');
    add('acked_not_delivered', 'acked but never delivered', dl.ackedNotDelivered, '', 'lower');
    add('delivered_not_acked', 'delivered, ack missing', dl.deliveredNotAcked, '', 'lower');
    add('duplicates', 'duplicate deliveries', t.duplicates, '', 'lower');
    if (Object.keys(d.reports.reduce((a, r) => ({ ...a, ...r.servers }), {})).length > 1) {
      add('cross_server_senders', 'senders whose peer is on another msg_server', dl.crossServerSenders, '');
    }
    for (const [role, pct] of Object.entries(serverCpu(d.procsTrafficStart, d.procsEnd))) {
      add(`${role}_cpu_pct`, `${role} CPU during traffic+drain`, pct, '%', 'lower');
    }
    if (d.db !== undefined && d.db.error === undefined) add('db_rows', 'message rows in MySQL', d.db.singleRows + d.db.groupRows, '');
  }
  add('dropped', 'connections dropped', t.dropped, '', 'lower');
  add('kicked', 'kicks received', t.kicked, '', 'lower');
  add('client_cpu_max_pct', 'bench worker CPU max', d.clientCpuMax * 100, '%');

  const checks: Check[] = [];
  checks.push({ name: 'all logins succeeded', ok: t.loginFail === 0, detail: t.loginFail === 0 ? `${t.loginOk}` : JSON.stringify(d.loginFailReasons) });
  checks.push({ name: 'no connection dropped', ok: t.dropped === 0, detail: String(t.dropped) });
  checks.push({ name: 'no kick (one account per connection)', ok: t.kicked === 0, detail: String(t.kicked) });
  if (dl !== undefined) {
    checks.push({ name: 'nothing lost (every message acked)', ok: dl.lost === 0, detail: `${dl.lost} of ${dl.sent}` });
    checks.push({ name: 'every acked message delivered', ok: dl.ackedNotDelivered === 0, detail: `${dl.ackedNotDelivered} of ${dl.expectedDeliveries}` });
    if (d.db !== undefined) {
      const rows = d.db.singleRows + d.db.groupRows;
      checks.push(d.db.error !== undefined
        ? { name: 'acked messages stored in MySQL', ok: false, detail: d.db.error }
        : { name: 'acked messages stored in MySQL', ok: rows >= dl.acked, detail: `${rows} rows for ${dl.acked} acks` });
    }
  }
  if (scenario === 'idle') {
    // The per-connection figure is (held - before) / connections: meaningless when the servers'
    // RSS before already held memory of an earlier run (V8 keeps its grown heap) or start-up garbage
    // that was collected meanwhile. Say so rather than print a negative or too small figure.
    for (const role of ['msg', 'route']) {
      const b = before[role];
      const e = end[role];
      if (b === undefined || e === undefined || online === 0) continue;
      checks.push({
        name: `${role}_server RSS grew with the connections`, ok: e > b,
        detail: e > b ? `+${((e - b) / 1024).toFixed(1)} MiB`
          : `${(b / 1024).toFixed(1)} -> ${(e / 1024).toFixed(1)} MiB: its RSS before was not a clean baseline (earlier run or start-up garbage); restart the servers before an idle run`,
      });
    }
  }
  if (d.cpuWarnings.length > 0) checks.push({ name: 'bench client below 90 % CPU', ok: false, detail: d.cpuWarnings.join('; ') });
  return { label: d.label, target: d.target, metrics: m, checks };
}

function fmtNum(v: number, unit: string): string {
  if (unit === 'ms') return v < 10 ? v.toFixed(2) : v < 1000 ? v.toFixed(1) : v.toFixed(0);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}

export function renderTable(r: RunResult): string {
  const rows = [['metric', 'value', 'unit'], ...r.metrics.map((x) => [x.label, fmtNum(x.value, x.unit), x.unit])];
  const checks = r.checks.map((c) => `  [${c.ok ? 'ok' : 'FAIL'}] ${c.name}: ${c.detail}`).join('\n');
  return `${r.label}: ${r.target}\n${table(rows)}\nchecks:\n${checks}`;
}

export interface Ratio {
  key: string;
  label: string;
  a: number;
  b: number;
  /** b / a */
  ratio: number;
  unit: string;
  verdict: string;
}

/** Side by side: B relative to A, and whether B is better for that figure. */
export function compare(a: RunResult, b: RunResult): Ratio[] {
  const out: Ratio[] = [];
  for (const ma of a.metrics) {
    const mb = b.metrics.find((x) => x.key === ma.key);
    if (mb === undefined) continue;
    const ratio = ma.value === 0 ? (mb.value === 0 ? 1 : Infinity) : mb.value / ma.value;
    let verdict = '';
    // within 2 % is noise between two runs, not a verdict
    if (ma.better !== undefined && Number.isFinite(ratio) && Math.abs(ratio - 1) > 0.02) {
      const bBetter = ma.better === 'higher' ? ratio > 1 : ratio < 1;
      verdict = bBetter ? `${b.label} better` : `${a.label} better`;
    }
    out.push({ key: ma.key, label: ma.label, a: ma.value, b: mb.value, ratio, unit: ma.unit, verdict });
  }
  return out;
}

export function renderComparison(a: RunResult, b: RunResult, ratios: Ratio[]): string {
  const rows = [['metric', a.label, b.label, `${b.label}/${a.label}`, ''],
    ...ratios.map((r) => [r.label + (r.unit ? ` (${r.unit})` : ''), fmtNum(r.a, r.unit), fmtNum(r.b, r.unit),
      Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : 'inf', r.verdict])];
  return `${a.label} = ${a.target}\n${b.label} = ${b.target}\n${table(rows)}`;
}

/** Throughput and latency percentiles per second, with the phases shaded. */
export function chartFor(d: RunData, scenario: string): string {
  const pts = d.series.points();
  const rates: ChartSeries[] = [];
  const rate = (name: string, f: (p: (typeof pts)[number]) => number): void => {
    if (pts.some((p) => f(p) > 0)) rates.push({ name, points: pts.map((p) => [p.t, f(p)]) });
  };
  rate('logins/s', (p) => p.rates.loginOk);
  rate('sent/s', (p) => p.rates.sent);
  rate('acked/s', (p) => p.rates.acked);
  rate('delivered/s', (p) => p.rates.delivered);
  if (scenario === 'idle') rate('online', (p) => p.online);
  const lats: ChartSeries[] = [];
  const colors: Record<HistName, string> = { lookup: '#8c564b', login: '#1f77b4', ack: '#2ca02c', deliver: '#d62728' };
  for (const h of ['login', 'ack', 'deliver'] as HistName[]) {
    if (d.series.hist[h].count === 0) continue;
    lats.push({ name: `${h} p50`, color: colors[h], points: pts.map((p) => [p.t, p.p50[h] > 0 ? p.p50[h] : NaN]) });
    lats.push({ name: `${h} p99`, color: colors[h], dashed: true, points: pts.map((p) => [p.t, p.p99[h] > 0 ? p.p99[h] : NaN]) });
  }
  const bands = [...d.series.phases].map(([name, ph]) => ({
    name, from: (ph.start - d.series.t0) / 1000, to: (ph.end - d.series.t0) / 1000,
  }));
  const o = d.options;
  return renderSvg({
    title: `teamtalk-ts bench: ${scenario} — ${d.label}`,
    subtitle: `${d.target}, ${d.connections} connections, ${d.workers} worker(s), client type ${o.clientType}` +
      (d.delivery !== undefined ? `, ${o.ratePerSender}/s per sender${o.window > 0 ? `, window ${o.window}` : ''}` : '') + `, ${d.startedAt}`,
    xLabel: 'seconds since start',
    panels: [
      { title: 'throughput per second', unit: 'events/s', series: rates },
      { title: 'latency percentiles per second', unit: 'ms', log: true, series: lats },
    ],
    bands,
  });
}

/** The JSON record of a run: options (without the password), figures, checks and the per-second series. */
export function runJson(d: RunData, r: RunResult): object {
  const { password: _pw, mysql, ...opts } = d.options;
  return {
    label: d.label,
    target: d.target,
    startedAt: d.startedAt,
    options: { ...opts, mysql: mysql === undefined ? undefined : `${mysql.user}@${mysql.host}:${mysql.port}/${mysql.database}` },
    connections: d.connections,
    workers: d.workers,
    sourceAddresses: d.sourceAddresses,
    accounts: d.accounts,
    phaseSeconds: d.phaseSeconds,
    metrics: r.metrics,
    checks: r.checks,
    delivery: d.delivery,
    db: d.db,
    msgServers: d.reports.reduce<Record<string, number>>((a, rep) => {
      for (const [k, v] of Object.entries(rep.servers)) a[k] = (a[k] ?? 0) + v;
      return a;
    }, {}),
    processes: { before: d.procsBefore, afterLogin: d.procsAfterLogin, trafficStart: d.procsTrafficStart, end: d.procsEnd },
    loginFailReasons: d.loginFailReasons,
    errors: d.errors.slice(0, 50),
    series: d.series.points(),
  };
}

export function writeOutputs(dir: string, base: string, json: object, svgs: Array<[suffix: string, svg: string]>): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const jf = path.join(dir, `${base}.json`);
  fs.writeFileSync(jf, JSON.stringify(json, null, 2) + '\n');
  files.push(jf);
  for (const [suffix, svg] of svgs) {
    const f = path.join(dir, `${base}${suffix}.svg`);
    fs.writeFileSync(f, svg);
    files.push(f);
  }
  return files;
}
