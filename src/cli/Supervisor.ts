import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfFile } from '../conf/ConfFile';
import { portOpen, waitUntil } from './provision/probe';
import { EXIT_CONF } from './runServer';
import { ServerInfo } from './serverCatalog';

export interface SupervisorOptions {
  confDir: string;
  logDir: string;
  runDir: string;
  /** the tt entry point each child runs (`node tt.js <server> --conf ...`) */
  ttScript: string;
  cwd: string;
  say: (line: string) => void;
  /** first restart delay; doubles per crash up to maxBackoffMs, reset after a child stays up */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** a child that ran this long before crashing restarts after backoffMs again */
  stableMs?: number;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
}

/** One supervised server process and its restart state. */
class Child {
  proc: ChildProcess | undefined;
  startedAt = 0;
  delay: number;
  restartTimer: NodeJS.Timeout | undefined;
  restarts = 0;

  constructor(
    readonly info: ServerInfo,
    readonly confPath: string,
    backoffMs: number,
  ) {
    this.delay = backoffMs;
  }
}

/**
 * `tt start`: runs each server as a child process (`tt <server> --conf conf/<file>`), in
 * dependency order, waiting for each one's port before starting the next; appends each child's
 * output (pino JSON lines) to var/log/<server>.log; restarts a crashed child with exponential
 * back-off; on stop() terminates them in reverse order (SIGTERM, then SIGKILL after a timeout).
 * A child that exits with the configuration-error code is not restarted: retrying cannot help.
 */
export class Supervisor {
  private readonly children: Child[] = [];
  private stopping = false;
  private readonly o: Required<SupervisorOptions>;

  constructor(opts: SupervisorOptions) {
    this.o = { backoffMs: 1000, maxBackoffMs: 30_000, stableMs: 30_000, readyTimeoutMs: 15_000, stopTimeoutMs: 10_000, ...opts };
  }

  async start(servers: readonly ServerInfo[]): Promise<void> {
    // Children live in their own process groups, so if the supervisor dies without stop() they
    // must be ended here or they would linger holding their ports.
    process.once('exit', () => this.killAll());
    fs.mkdirSync(this.o.logDir, { recursive: true });
    fs.mkdirSync(this.o.runDir, { recursive: true });
    for (const info of servers) {
      if (this.stopping) return;
      const child = new Child(info, path.join(this.o.confDir, info.confFile), this.o.backoffMs);
      this.children.push(child);
      this.spawn(child);
      const ready = readyAddress(child);
      if (ready !== undefined) {
        const up = await waitUntil(async () => child.proc === undefined || (await portOpen(ready.host, ready.port)), this.o.readyTimeoutMs, 100);
        const ok = up && child.proc !== undefined;
        this.o.say(ok ? `${info.name} up on ${ready.host}:${ready.port}` : `${info.name} is not listening on ${ready.host}:${ready.port} yet (see ${this.logPath(info)})`);
      }
    }
  }

  /** pids of the running children by server name (for status output and tests) */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.children.map((c) => [c.info.name, c.proc?.pid]));
  }

  restartCount(name: string): number {
    return this.children.find((c) => c.info.name === name)?.restarts ?? 0;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const c of this.children) clearTimeout(c.restartTimer);
    for (const c of [...this.children].reverse()) await this.stopChild(c);
  }

  /** Last resort on supervisor exit: SIGKILL whatever is still running (synchronous). */
  private killAll(): void {
    for (const c of this.children) {
      if (c.proc !== undefined && c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    }
  }

  logPath(info: ServerInfo): string {
    return path.join(this.o.logDir, `${info.name}.log`);
  }

  private spawn(c: Child): void {
    const log = fs.openSync(this.logPath(c.info), 'a');
    const args = [this.o.ttScript, c.info.name, '--conf', c.confPath, '--pid-file', path.join(this.o.runDir, `${c.info.name}.pid`), '--exit-with-parent'];
    // Own process group: a Ctrl-C on the terminal reaches only the supervisor, which then stops
    // the servers in reverse dependency order instead of all of them dying at once.
    const proc = spawn(process.execPath, args, { cwd: this.o.cwd, stdio: ['ignore', log, log], env: process.env, detached: true });
    fs.closeSync(log);
    c.proc = proc;
    c.startedAt = Date.now();
    proc.once('error', (e) => this.o.say(`${c.info.name}: cannot start: ${e.message}`));
    proc.once('exit', (code, signal) => this.onExit(c, proc, code, signal));
  }

  private onExit(c: Child, proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (c.proc !== proc) return;
    c.proc = undefined;
    if (this.stopping) return;
    const how = signal !== null ? `signal ${signal}` : `code ${code}`;
    if (code === EXIT_CONF) {
      this.o.say(`${c.info.name} exited with a configuration error (${how}); not restarting, see ${this.logPath(c.info)}`);
      return;
    }
    if (Date.now() - c.startedAt >= this.o.stableMs) c.delay = this.o.backoffMs;
    this.o.say(`${c.info.name} exited (${how}); restarting in ${(c.delay / 1000).toFixed(1)} s (see ${this.logPath(c.info)})`);
    c.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      c.restarts++;
      this.spawn(c);
    }, c.delay);
    c.delay = Math.min(c.delay * 2, this.o.maxBackoffMs);
  }

  private async stopChild(c: Child): Promise<void> {
    const proc = c.proc;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.o.stopTimeoutMs).unref());
    if ((await Promise.race([gone, timer])) === 'timeout') {
      this.o.say(`${c.info.name} did not stop within ${this.o.stopTimeoutMs} ms; killing it`);
      proc.kill('SIGKILL');
      await gone;
    }
    this.o.say(`${c.info.name} stopped`);
  }
}

/** The address that answers once the server is ready (from its conf), or undefined if unreadable. */
function readyAddress(c: Child): { host: string; port: number } | undefined {
  try {
    const conf = ConfFile.load(c.confPath);
    const host = conf.ipList(c.info.readyHostKey)[0]!;
    return { host: host === '0.0.0.0' ? '127.0.0.1' : host, port: conf.port(c.info.readyPortKey) };
  } catch {
    return undefined;
  }
}
