// The whole suite in one process for end-to-end tests: db_proxy, route_server, login_server, one or
// more msg_servers and (optionally) http_msg_server, each started through its start() on port 0
// with a test conf from writeTestConf(), wired to each other like `npm start` wires them. A
// msg_server can also run as its own process (`tt msg`), so a test can crash it with SIGKILL.
import { spawn, ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Logger } from '../../src/util/log';
import { repoRoot } from '../../src/cli/provision/paths';
import { before, after } from 'node:test';
import { writeTestConf, ConfOverrides, resetDatabase, flushRedis } from '../helpers';
import type { RunningServer } from '../../src/cli/serverModule';
import { start as startDbProxy } from '../../src/servers/db_proxy';
import { start as startRoute } from '../../src/servers/route';
import { start as startLogin } from '../../src/servers/login';
import { start as startMsg } from '../../src/servers/msg';
import type { MsgServer } from '../../src/servers/msg/MsgServer';
import type { MsgServerRegistry } from '../../src/servers/login/MsgServerRegistry';
import { TtClient } from '../../src/client/TtClient';

export interface SystemOptions {
  msgServers?: number;
  httpMsg?: boolean;
  msgOverrides?: ConfOverrides;
  /** start a real file_server and link the msg_servers to it */
  file?: boolean;
  /** link the msg_servers to a push_server listening here (a test's stand-in) */
  pushPort?: number;
  /** the in-process msg_servers log here instead of the (silent in tests) process logger */
  msgLog?: Logger;
}

/** A msg_server running as a child process (`node dist/src/cli/tt.js msg --conf ...`). */
export interface MsgProcess {
  proc: ChildProcess;
  port: number;
  pid: number;
  exited: Promise<void>;
}

export type RunningMsg = RunningServer & { server: MsgServer };

const NO_PUSH_NO_FILE: ConfOverrides = {
  PushServerIP1: null, PushServerPort1: null, FileServerIP1: null, FileServerPort1: null,
};

export class TestSystem {
  readonly msgs: RunningMsg[] = [];
  private readonly others: RunningServer[] = [];
  private readonly clients: TtClient[] = [];
  private readonly procs: MsgProcess[] = [];
  private msgLog: Logger | undefined;
  dbPort = 0;
  routePort = 0;
  loginMsgPort = 0;
  loginHttpPort = 0;
  httpMsgPort = 0;
  fileClientPort = 0;

  static async start(opts: SystemOptions = {}): Promise<TestSystem> {
    const sys = new TestSystem();
    sys.msgLog = opts.msgLog;
    try {
      await sys.boot(opts);
    } catch (e) {
      await sys.stop();
      throw e;
    }
    return sys;
  }

  private async boot(opts: SystemOptions): Promise<void> {
    const db = await startDbProxy({ confPath: writeTestConf('db_proxy', { ThreadNum: 2 }) });
    this.others.push(db);
    this.dbPort = db.ports.ListenPort!;
    const route = await startRoute({ confPath: writeTestConf('route') });
    this.others.push(route);
    this.routePort = route.ports.msg!;
    const login = await startLogin({ confPath: writeTestConf('login') });
    this.others.push(login);
    this.loginMsgPort = login.ports.msgServer!;
    this.loginHttpPort = login.ports.http!;
    const links: ConfOverrides = {};
    if (opts.file) {
      const mod = require('../../src/servers/file') as { start(o: { confPath: string }): Promise<RunningServer> };
      const f = await mod.start({ confPath: writeTestConf('file') });
      this.others.push(f);
      this.fileClientPort = f.ports.client!;
      links.FileServerIP1 = '127.0.0.1';
      links.FileServerPort1 = f.ports.msg!;
    }
    if (opts.pushPort) {
      links.PushServerIP1 = '127.0.0.1';
      links.PushServerPort1 = opts.pushPort;
    }
    for (let i = 0; i < (opts.msgServers ?? 1); i++) await this.addMsgServer({ ...links, ...opts.msgOverrides });
    if (opts.httpMsg) {
      // Loaded lazily: the parity test is the only user, and the module may still be work in progress.
      const mod = require('../../src/servers/http_msg') as { start(o: { confPath: string }): Promise<RunningServer> };
      const h = await mod.start({ confPath: writeTestConf('http_msg', {
        DBServerPort1: this.dbPort, DBServerPort2: this.dbPort, RouteServerPort1: this.routePort, ConcurrentDBConnCnt: 1,
      }) });
      this.others.push(h);
      this.httpMsgPort = h.ports.http ?? Object.values(h.ports)[0]!;
    }
    for (const m of this.msgs) await this.waitReady(m);
  }

  private msgConf(overrides: ConfOverrides): string {
    return writeTestConf('msg', {
      ...NO_PUSH_NO_FILE,
      ConcurrentDBConnCnt: 1,
      DBServerPort1: this.dbPort, DBServerPort2: this.dbPort,
      LoginServerPort1: this.loginMsgPort, RouteServerPort1: this.routePort,
      ...overrides,
    });
  }

  async addMsgServer(overrides: ConfOverrides = {}): Promise<RunningMsg> {
    const m = await startMsg({ confPath: this.msgConf(overrides), log: this.msgLog });
    this.msgs.push(m);
    return m;
  }

  /**
   * A msg_server in its own process, started the way `tt start` starts one. Resolves once it
   * listens and login_server lists it (its login link is up, and the db_proxy link, opened first
   * to the same host, with it). The process is SIGKILLed by stop() if still alive.
   */
  async spawnMsgServer(overrides: ConfOverrides = {}, timeoutMs = 15_000): Promise<MsgProcess> {
    const tt = path.join(repoRoot, 'dist', 'src', 'cli', 'tt.js');
    const routeLinks = this.route.hub.links.size;
    const proc = spawn(process.execPath, [tt, 'msg', '--conf', this.msgConf(overrides)], {
      env: { ...process.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((res) => proc.once('exit', () => res()));
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`msg_server process did not start: ${stderr}`)), timeoutMs);
      proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`msg_server process exited (${code}): ${stderr}`)); });
      // runServer logs "<name> started" with the bound ports once start() returned.
      readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
        try {
          const o = JSON.parse(line) as { msg?: string; ports?: { ListenPort?: number } };
          if (o.msg === 'msg started' && o.ports?.ListenPort) { clearTimeout(timer); resolve(o.ports.ListenPort); }
        } catch { /* not a log line */ }
      });
    });
    const p: MsgProcess = { proc, port, pid: proc.pid!, exited };
    this.procs.push(p);
    const registry = this.login.registry;
    const t0 = Date.now();
    while (![...registry.records()].some((r) => r.port === port) || this.route.hub.links.size < routeLinks + 1) {
      if (Date.now() - t0 > timeoutMs) throw new Error('msg_server process never linked to login_server and route_server');
      await sleep(20);
    }
    await sleep(50);
    return p;
  }

  /** Crash a child msg_server: SIGKILL, so it closes nothing and announces nothing itself. */
  async killMsgProcess(p: MsgProcess): Promise<void> {
    p.proc.kill('SIGKILL');
    await p.exited;
    const i = this.procs.indexOf(p);
    if (i >= 0) this.procs.splice(i, 1);
  }

  private get route(): RunningServer & { hub: { links: Set<unknown> } } {
    return this.others.find((s) => s.name === 'route_server') as RunningServer & { hub: { links: Set<unknown> } };
  }

  /** login_server's running server (its registry is what the HTTP lookup selects from). */
  get login(): RunningServer & { registry: MsgServerRegistry<unknown> } {
    return this.others.find((s) => s.name === 'login_server') as RunningServer & { registry: MsgServerRegistry<unknown> };
  }

  /** Until a msg_server would accept logins: db_proxy, login_server and route_server links open. */
  async waitReady(m: RunningMsg, timeoutMs = 10_000): Promise<void> {
    const t0 = Date.now();
    const l = m.server.links;
    const wantFile = l.file.slots.length > 0;
    const wantPush = l.push.slots.length > 0;
    while (!(l.db.pick('login') && l.login.hasOpen() && l.route.master && (!wantFile || l.file.pick()) && (!wantPush || l.push.hasOpen()))) {
      if (Date.now() - t0 > timeoutMs) throw new Error('msg_server links did not come up');
      await sleep(20);
    }
    // The registration (CID_OTHER_MSG_SERV_INFO) went out on connect; give login_server a moment.
    await sleep(50);
  }

  msgPort(i = 0): number {
    return this.msgs[i]!.ports.ListenPort!;
  }

  async client(i = 0): Promise<TtClient> {
    return this.clientAt(this.msgPort(i));
  }

  async clientAt(port: number): Promise<TtClient> {
    const c = await TtClient.connect('127.0.0.1', port);
    this.clients.push(c);
    return c;
  }

  /** Connect and log in; fails the test unless the login succeeds. */
  async loggedIn(name: string, i = 0, clientType?: number): Promise<TtClient> {
    return this.loggedInAt(name, this.msgPort(i), clientType);
  }

  async loggedInAt(name: string, port: number, clientType?: number): Promise<TtClient> {
    const c = await this.clientAt(port);
    const res = await c.login(name, '123456', { clientType });
    if (res.resultCode !== 0) throw new Error(`login of ${name} failed: ${res.resultCode} ${res.resultString}`);
    return c;
  }

  async stopMsg(m: RunningMsg): Promise<void> {
    const i = this.msgs.indexOf(m);
    if (i >= 0) this.msgs.splice(i, 1);
    await m.stop();
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
    for (const p of this.procs.splice(0)) {
      p.proc.kill('SIGKILL');
      await p.exited;
    }
    for (const m of this.msgs.splice(0).reverse()) await m.stop();
    for (const s of this.others.splice(0).reverse()) await s.stop();
  }
}

/**
 * The usual set-up of a test file: an empty test database and Redis, then one system for the
 * whole file, started before its first test and stopped after its last. `use` receives it.
 */
export function useFreshSystem(use: (sys: TestSystem) => void, opts: SystemOptions = {}): void {
  let sys: TestSystem | undefined;
  before(async () => {
    await resetDatabase();
    await flushRedis();
    sys = await TestSystem.start(opts);
    use(sys);
  });
  after(async () => {
    await sys?.stop();
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
