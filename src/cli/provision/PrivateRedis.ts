import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureBinaries, findBin, Need, Say } from './packages';
import { isLoopback, pidAlive, portOpen, waitUntil } from './probe';

const SERVER: Need = { bins: ['redis-server'], pkg: 'redis-server' };

/** A private redis-server with its config, data, pid and log under var/. */
export class PrivateRedis {
  readonly dir: string;
  readonly conf: string;
  readonly pidFile: string;
  readonly logFile: string;

  constructor(
    varDir: string,
    readonly host: string,
    readonly port: number,
  ) {
    this.dir = path.join(varDir, 'redis');
    this.conf = path.join(this.dir, 'redis.conf');
    this.pidFile = path.join(this.dir, 'redis.pid');
    this.logFile = path.join(varDir, 'log', 'redis.log');
  }

  readPid(): number | undefined {
    try {
      const n = Number(fs.readFileSync(this.pidFile, 'utf8').trim());
      return Number.isInteger(n) && n > 0 ? n : undefined;
    } catch {
      return undefined;
    }
  }

  async ensureRunning(say: Say): Promise<'reused' | 'started'> {
    if (await portOpen(this.host, this.port)) return 'reused';
    if (!isLoopback(this.host)) {
      throw new Error(`no Redis answers on ${this.host}:${this.port} and private instances run on loopback only`);
    }
    if (pidAlive(this.readPid()) && (await waitUntil(() => portOpen(this.host, this.port), 10_000))) return 'reused';
    ensureBinaries([SERVER], say);
    fs.mkdirSync(this.dir, { recursive: true });
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    // AOF with fsync every second: message-id counters and group membership live only in Redis
    // (schema.md §5.3), so losing 15 minutes of RDB-only writes would duplicate msg ids.
    const lines = [
      `bind ${this.host === 'localhost' ? '127.0.0.1' : this.host}`,
      `port ${this.port}`,
      'protected-mode yes',
      'daemonize yes',
      `pidfile ${this.pidFile}`,
      `logfile ${this.logFile}`,
      `dir ${this.dir}`,
      'databases 16',
      'save 900 1',
      'save 300 10',
      'save 60 10000',
      'appendonly yes',
      'appendfsync everysec',
      '',
    ];
    fs.writeFileSync(this.conf, lines.join('\n'));
    say(`starting private Redis on ${this.host}:${this.port} (data ${this.dir}, log ${this.logFile})`);
    const r = spawnSync(findBin(SERVER)!, [this.conf], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`redis-server failed (${r.status}): ${r.stderr || r.stdout}`);
    if (!(await waitUntil(() => portOpen(this.host, this.port), 30_000))) {
      throw new Error(`redis-server did not come up on ${this.port}; see ${this.logFile}`);
    }
    return 'started';
  }
}
