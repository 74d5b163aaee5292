import * as os from 'node:os';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { MysqlSettings } from '../../src/cli/provision/DbSettings';
import { repoRoot, varDir } from '../../src/cli/provision/paths';
import { DEFAULT_AES_KEY } from '../../src/pdu/crypto';
import { IM } from '../../src/pdu/gen/im';
import { DEFAULT_PASSWORD, DEFAULT_PREFIX } from './Accounts';
import { defaultMysql, describeMysql, openPool, parseMysqlSpec } from './MysqlSpec';
import { chartFor, compare, renderComparison, renderTable, runJson, summarize, writeOutputs } from './Report';
import { RunOptions, runScenario } from './Runner';
import { SCENARIOS } from './scenarios';
import { DEFAULT_TARGET, parseTarget } from './Target';

/** msg_server drops the 21st message of a second (servers.md §4.9); --saturate stays below that. */
const SATURATE_RATE = 18;
const SATURATE_WINDOW = 8;

const CLIENT_TYPES: Record<string, number> = {
  windows: IM.BaseDefine.ClientType.CLIENT_TYPE_WINDOWS,
  mac: IM.BaseDefine.ClientType.CLIENT_TYPE_MAC,
  ios: IM.BaseDefine.ClientType.CLIENT_TYPE_IOS,
  android: IM.BaseDefine.ClientType.CLIENT_TYPE_ANDROID,
};

function int(min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

function num(min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`expected a number >= ${min}`);
    return n;
  };
}

function intList(v: string): number[] {
  const out = v.split(',').map((s) => Number(s.trim()));
  if (out.length === 0 || out.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError('expected comma-separated positive integers');
  return out;
}

/**
 * The client shares the machine with the servers it measures: on the 2-core development box a
 * second worker made login storms slower, not faster (the servers need those cores), while one
 * native-transport worker stays under ~80 % of a core at ~3 500 logins/s. Bigger boxes get more.
 */
function defaultWorkers(): number {
  return Math.max(1, Math.floor(os.availableParallelism() / 4));
}

function lookupMode(v: string): 'each' | 'once' {
  if (v !== 'each' && v !== 'once') throw new InvalidArgumentError('each or once');
  return v;
}

function clientType(v: string): number {
  const t = CLIENT_TYPES[v.toLowerCase()] ?? Number(v);
  if (!Object.values(CLIENT_TYPES).includes(t)) throw new InvalidArgumentError(`one of ${Object.keys(CLIENT_TYPES).join(', ')} or 1/2/17/18`);
  return t;
}

interface CliOpts {
  target: string;
  compare?: string;
  label: string;
  compareLabel: string;
  mysql?: string;
  compareMysql?: string;
  accounts: boolean;
  verifyDb: boolean;
  n: number;
  connections: number;
  pairs: number;
  groupSizes: number[];
  groups: number;
  rate?: number;
  saturate: boolean;
  window?: number;
  duration: number;
  drain: number;
  drainMax: number;
  hold: number;
  loginRate: number;
  loginConcurrency: number;
  loginTimeout: number;
  heartbeat: number;
  clientType: number;
  workers: number;
  prefix: string;
  password: string;
  aesKey: string;
  textBytes: number;
  readAck: boolean;
  lookup: 'each' | 'once';
  logout: boolean;
  msgPid?: number[];
  routePid?: number[];
  out: string;
  progress: boolean;
}

/** --mysql as given, else conf/dbproxyserver.conf's database if it answers; undefined = no database. */
async function resolveMysql(spec: string | undefined, what: string): Promise<MysqlSettings | undefined> {
  const explicit = spec !== undefined;
  let m: MysqlSettings;
  try {
    m = explicit ? parseMysqlSpec(spec) : defaultMysql();
  } catch (e) {
    if (explicit) throw e;
    process.stderr.write(`[bench] ${what}: no --mysql and no usable conf/dbproxyserver.conf (${(e as Error).message}); accounts must exist already\n`);
    return undefined;
  }
  const pool = openPool(m);
  try {
    await pool.query('SELECT 1 FROM IMUser LIMIT 1');
    return m;
  } catch (e) {
    if (explicit) throw new Error(`--mysql ${describeMysql(m)}: ${(e as Error).message}`);
    process.stderr.write(`[bench] ${what}: ${describeMysql(m)} not reachable (${(e as Error).message}); accounts must exist already, no durability check\n`);
    return undefined;
  } finally {
    await pool.end();
  }
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('bench')
    .description('Whole-suite TeamTalk benchmark: speaks the real client protocol, works against any deployment')
    .argument('<scenario>', `one of ${Object.keys(SCENARIOS).join(', ')}`)
    .option('--target <url|host:port>', 'login_server HTTP URL (lookup per connection) or one msg_server host:port', DEFAULT_TARGET)
    .option('--compare <url|host:port>', 'run the same scenario against a second deployment and print ratios')
    .option('--label <name>', 'name of the first deployment in tables', 'A')
    .option('--compare-label <name>', 'name of the second deployment', 'B')
    .option('--mysql <host:port:user:password:db>', 'database of the target (accounts, durability check); default from conf/dbproxyserver.conf')
    .option('--compare-mysql <host:port:user:password:db>', 'database of the --compare deployment (default: same as --mysql)')
    .option('--no-accounts', 'do not create/repair the bench accounts (they exist already)')
    .option('--no-verify-db', 'skip counting the stored message rows after the run')
    .option('--n <N>', 'login: connections', int(1), 10_000)
    .option('--connections <C>', 'idle: connections held', int(1), 15_000)
    .option('--pairs <P>', 'chat, mixed: pairs of users', int(0), 100)
    .option('--group-sizes <list>', 'group, mixed: member counts', intList, [10, 200])
    .option('--groups <k>', 'group, mixed: groups of each size', int(0), 1)
    .option('--rate <msgs/s>', 'messages per second per sender (default 10; group 5); keep below 20 (msg_server drops the excess)', num(0.01))
    .option('--saturate', `closed loop: each sender keeps up to --window unacked messages at up to ${SATURATE_RATE}/s`, false)
    .option('--window <k>', 'closed loop: max unacked messages per sender (0 = open loop)', int(0))
    .option('--duration <s>', 'traffic phase length', num(1), 30)
    .option('--drain <s>', 'wait after the traffic before counting losses', num(0), 5)
    .option('--drain-max <s>', 'keep draining while acks/deliveries still arrive, up to this long', num(0), 120)
    .option('--hold <s>', 'idle: how long the connections are held before measuring', num(0), 10)
    .option('--login-rate <n/s>', 'logins started per second (0 = only --login-concurrency limits)', num(0), 0)
    .option('--login-concurrency <n>', 'logins in progress at once', int(1), 200)
    .option('--login-timeout <s>', 'connect + login deadline per connection', num(1), 15)
    .option('--heartbeat <s>', 'heartbeat when nothing was sent for this long', num(1), 30)
    .option('--client-type <type>', 'windows | mac | ios | android (PC types make every login a broadcast: N² notifies)', clientType, CLIENT_TYPES.android)
    .option('--workers <k>', 'bench processes (at least one per 15 000 connections; default a quarter of the cores, at least 1)', int(1), defaultWorkers())
    .option('--prefix <p>', 'account names <p>000001, ...', DEFAULT_PREFIX)
    .option('--password <plain>', 'plain password of the bench accounts', DEFAULT_PASSWORD)
    .option('--aes-key <key>', 'message AES key (32 characters, the clients\' built-in key by default)', DEFAULT_AES_KEY)
    .option('--text-bytes <n>', 'plaintext bytes per message', int(16), 64)
    .option('--lookup <each|once>', 'login_server lookup per login (each, what a real client does) or once per worker process', lookupMode, 'each')
    .option('--read-ack', 'also send CID_MSG_READ_ACK for every delivery', false)
    .option('--no-logout', 'just close the connections at the end instead of logging out')
    .option('--msg-pid <pids>', 'msg_server pid(s), comma-separated (default: found in /proc)', intList)
    .option('--route-pid <pids>', 'route_server pid(s) (default: found in /proc)', intList)
    .option('--out <dir>', 'where the JSON and SVG go', path.join(varDir, 'bench'))
    .option('--no-progress', 'no progress bar')
    .showHelpAfterError();
  program.parse(argv);
  const name = program.args[0]!;
  const scenario = SCENARIOS[name];
  if (scenario === undefined) {
    process.stderr.write(`unknown scenario ${name}; one of ${Object.keys(SCENARIOS).join(', ')}\n`);
    return 2;
  }
  const c = program.opts<CliOpts>();
  // mixed: small groups by default, the 200-member ones belong to the group scenario
  const groupSizes = name === 'mixed' && program.getOptionValueSource('groupSizes') === 'default' ? [10] : c.groupSizes;
  const layout = scenario.layout({ n: c.n, connections: c.connections, pairs: c.pairs, groupSizes, groupsPerSize: c.groups });
  // login_server counts a user only once its login completed: a burst of lookups all lands on the
  // same msg_server. The mixed scenario logs in gently so users really spread (edge.md §5.5 step 1).
  const loginConcurrency = name === 'mixed' && program.getOptionValueSource('loginConcurrency') === 'default' ? 4 : c.loginConcurrency;
  const rate = c.rate ?? (c.saturate ? SATURATE_RATE : scenario.defaults.rate ?? 10);
  const window = c.window ?? (c.saturate ? SATURATE_WINDOW : 0);
  if (rate >= 20 && layout.hasTraffic) process.stderr.write(`[bench] warning: --rate ${rate} reaches msg_server's 20 messages/s per connection cut; expect losses\n`);

  const base = (label: string, target: string, mysql: MysqlSettings | undefined): RunOptions => ({
    label, target: parseTarget(target), workers: c.workers, prefix: c.prefix, password: c.password, clientType: c.clientType,
    clientVersion: 'teamtalk-ts-bench/1.0', aesKey: c.aesKey, loginRate: c.loginRate, loginConcurrency,
    loginTimeoutMs: c.loginTimeout * 1000, heartbeatMs: c.heartbeat * 1000, ratePerSender: rate, window, textBytes: c.textBytes,
    readAck: c.readAck, lookupMode: c.lookup, durationMs: c.duration * 1000, drainMs: c.drain * 1000, drainMaxMs: Math.max(c.drain, c.drainMax) * 1000, holdMs: c.hold * 1000, logout: c.logout, mysql,
    createAccounts: c.accounts && mysql !== undefined, verifyDb: c.verifyDb && mysql !== undefined,
    pids: { msg: c.msgPid, route: c.routePid }, progress: c.progress,
  });

  const targets: Array<[string, string, string | undefined]> = [[c.label, c.target, c.mysql]];
  if (c.compare !== undefined) targets.push([c.compareLabel, c.compare, c.compareMysql ?? c.mysql]);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const results = [];
  const json: { tool: string; scenario: string; command: string; runs: object[]; comparison?: object } = {
    tool: 'teamtalk-ts bench', scenario: name, command: `npm run bench -- ${argv.slice(2).join(' ')}`, runs: [],
  };
  const svgs: Array<[string, string]> = [];
  for (const [label, target, mysqlSpec] of targets) {
    const mysql = await resolveMysql(mysqlSpec, label);
    const data = await runScenario(name, layout, base(label, target, mysql));
    const r = summarize(data, name);
    results.push(r);
    json.runs.push(runJson(data, r));
    svgs.push([targets.length > 1 ? `-${label}` : '', chartFor(data, name)]);
    process.stdout.write(`\n${renderTable(r)}\n`);
  }
  if (results.length === 2) {
    const ratios = compare(results[0]!, results[1]!);
    json.comparison = ratios;
    process.stdout.write(`\n${renderComparison(results[0]!, results[1]!, ratios)}\n`);
  }
  const files = writeOutputs(c.out, `${name}-${stamp}`, json, svgs);
  process.stdout.write(`\nwritten: ${files.map((f) => path.relative(repoRoot, f)).join(', ')}\n`);
  return results.every((r) => r.checks.every((k) => k.ok)) ? 0 : 1;
}

main(process.argv).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
