// Shared by bench/echo and bench/idle: build the native tools, run processes, read /proc.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const TOOLS = path.join(ROOT, 'build', 'bench');

/** g++/gcc -O2 the load client and the C echo server when their sources are newer. */
export function buildTools(): { client: string; cserver: string } {
  fs.mkdirSync(TOOLS, { recursive: true });
  const client = path.join(TOOLS, 'load_client');
  const cserver = path.join(TOOLS, 'echo_server');
  const stale = (out: string, src: string) => !fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(src).mtimeMs;
  const clientSrc = path.join(ROOT, 'bench', 'native', 'load_client.cc');
  const serverSrc = path.join(ROOT, 'bench', 'native', 'echo_server.c');
  if (stale(client, clientSrc)) execFileSync('g++', ['-O2', '-std=c++17', '-o', client, clientSrc], { stdio: 'inherit' });
  if (stale(cserver, serverSrc)) execFileSync('gcc', ['-O2', '-o', cserver, serverSrc], { stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-native.js')], { stdio: 'inherit' });
  return { client, cserver };
}

/** A child whose stdout lines can be awaited by prefix. */
export class Proc {
  readonly lines: string[] = [];
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    readline.createInterface({ input: child.stdout! }).on('line', (l) => { this.lines.push(l); for (const w of this.waiters.splice(0)) w(); });
    this.exited = new Promise((r) => child.on('exit', (code) => { r(code); for (const w of this.waiters.splice(0)) w(); }));
  }
  static start(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
    return new Proc(spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] }));
  }
  async line(prefix: string, ms = 120_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const l = this.lines.find((x) => x.startsWith(prefix));
      if (l !== undefined) return l;
      if (this.child.exitCode !== null) throw new Error(`process exited (${this.child.exitCode}) before "${prefix}"`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for "${prefix}"`);
      await new Promise<void>((r) => { const t = setTimeout(r, 200); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }
  async stop(): Promise<void> {
    if (this.child.exitCode === null) { this.child.kill('SIGTERM'); }
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(t);
  }
}

/** utime + stime of a process in seconds. */
export function cpuSeconds(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
