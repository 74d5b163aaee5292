import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, ChildProcess } from 'node:child_process';
import { SERVERS } from '../../src/cli/serverCatalog';
import { repoRoot } from '../helpers';

/**
 * Small real servers that follow the src/servers/<name>/index.ts contract (start/stop, ConfFile,
 * one TCP listener on the server's ready port), so the CLI and the supervisor are tested against
 * actual processes and sockets without depending on the real servers being finished.
 * Conf key `StandIn` selects a misbehaviour: `reject` (unhandled rejection after start),
 * `hang-stop` (stop never resolves).
 */
export function writeStandIns(names: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-standin-'));
  const confJs = path.join(repoRoot, 'dist', 'src', 'conf', 'ConfFile.js');
  for (const name of names) {
    const s = SERVERS.find((x) => x.name === name)!;
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(
      path.join(dir, name, 'index.js'),
      `'use strict';
const net = require('node:net');
const fs = require('node:fs');
const { ConfFile } = require(${JSON.stringify(confJs)});
exports.start = async ({ confPath }) => {
  const conf = ConfFile.load(confPath);
  const host = conf.ipList(${JSON.stringify(s.readyHostKey)})[0];
  const port = conf.port(${JSON.stringify(s.readyPortKey)});
  const mode = conf.optStr('StandIn', '');
  // readiness probes connect and reset at once: a peer reset must not crash the stand-in
  const srv = net.createServer((c) => { c.on('error', () => {}); c.end('${name}\\n'); });
  await new Promise((resolve, reject) => { srv.once('error', reject); srv.listen(port, host, resolve); });
  if (mode === 'reject') setTimeout(() => { Promise.reject(new Error('stand-in boom')); }, 20);
  return {
    name: ${JSON.stringify(name)},
    ports: { listen: srv.address().port },
    stop: () => mode === 'hang-stop' ? new Promise(() => {}) : new Promise((resolve) => {
      fs.writeFileSync(confPath + '.stopped', String(process.pid));
      srv.close(() => resolve());
    }),
  };
};
`,
    );
  }
  return dir;
}

/**
 * A port that is free now, picked below the kernel's ephemeral range (32768+) so that servers
 * other tests start on port 0 cannot take it between this check and our use of it.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const srv = net.createServer();
    const ok = await new Promise<boolean>((resolve) => {
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) {
      await new Promise<void>((r) => srv.close(() => r()));
      return port;
    }
  }
  throw new Error('no free port found in 20000..32000');
}

export const ttJs = path.join(repoRoot, 'dist', 'src', 'cli', 'tt.js');

export interface Proc {
  child: ChildProcess;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `node tt.js ...args` with the stand-ins; output is collected for assertions. */
export function runTt(args: string[], moduleDir: string, extraEnv: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [ttJs, ...args], {
    cwd: repoRoot,
    env: { ...process.env, TT_SERVER_MODULE_DIR: moduleDir, LOG_LEVEL: 'info', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (text += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, out: () => text, exited };
}

/** Waits until the output matches, failing after timeoutMs with the output so far. */
export async function waitFor(p: Proc, re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const m = p.out().match(re);
    if (m) return m;
    if (Date.now() > end) throw new Error(`timed out waiting for ${re}; output:\n${p.out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
