import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBinaries, findBin, Need, Say } from './packages';
import { isLoopback, pidAlive, portOpen, waitUntil } from './probe';

const SERVER: Need = { bins: ['mariadbd', 'mysqld'], pkg: 'mariadb-server' };
const INSTALL_DB: Need = { bins: ['mariadb-install-db', 'mysql_install_db'], pkg: 'mariadb-server' };

/** Where a private MariaDB keeps everything: all under var/mysql so one rm -rf resets it. */
export class PrivateMariaDb {
  readonly dir: string;
  readonly dataDir: string;
  readonly cnf: string;
  readonly pidFile: string;
  readonly logFile: string;
  /** unix socket used for the root (admin) connection; kept short because of the 108-byte limit */
  readonly socket: string;

  constructor(
    varDir: string,
    readonly host: string,
    readonly port: number,
  ) {
    this.dir = path.join(varDir, 'mysql');
    this.dataDir = path.join(this.dir, 'data');
    this.cnf = path.join(this.dir, 'my.cnf');
    this.pidFile = path.join(this.dir, 'mariadbd.pid');
    this.logFile = path.join(varDir, 'log', 'mariadb.log');
    const sock = path.join(this.dir, 'mariadbd.sock');
    this.socket =
      Buffer.byteLength(sock) < 100
        ? sock
        : path.join(os.tmpdir(), `tt-mariadb-${crypto.createHash('sha1').update(sock).digest('hex').slice(0, 12)}.sock`);
  }

  /** Is this instance (ours, with its socket) the one answering? */
  isOurs(): boolean {
    return fs.existsSync(this.socket) && pidAlive(this.readPid());
  }

  readPid(): number | undefined {
    try {
      const n = Number(fs.readFileSync(this.pidFile, 'utf8').trim());
      return Number.isInteger(n) && n > 0 ? n : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Makes MariaDB answer on host:port: reuses whatever already answers there (a previous run's
   * private instance, or an external server), else installs the binaries if needed, initialises a
   * data directory under var/ and starts mariadbd detached so it outlives this process.
   */
  async ensureRunning(say: Say): Promise<'reused' | 'started'> {
    if (await portOpen(this.host, this.port)) return 'reused';
    if (pidAlive(this.readPid())) {
      say(`MariaDB (pid ${this.readPid()}) is starting, waiting for port ${this.port}`);
      if (await waitUntil(() => portOpen(this.host, this.port), 60_000)) return 'reused';
    }
    if (!isLoopback(this.host)) {
      throw new Error(`no MariaDB answers on ${this.host}:${this.port} and private instances run on loopback only`);
    }
    ensureBinaries([SERVER, INSTALL_DB], say);
    fs.mkdirSync(this.dataDir, { recursive: true });
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    this.writeCnf();
    if (!fs.existsSync(path.join(this.dataDir, 'mysql'))) this.initDataDir(say);
    say(`starting private MariaDB on ${this.host}:${this.port} (data ${this.dataDir}, log ${this.logFile})`);
    const log = fs.openSync(this.logFile, 'a');
    const child = spawn(findBin(SERVER)!, [`--defaults-file=${this.cnf}`], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    let exited: number | null = null;
    child.once('exit', (code) => (exited = code ?? -1));
    child.unref();
    const up = await waitUntil(async () => exited !== null || (await portOpen(this.host, this.port)), 90_000);
    if (!up || exited !== null) {
      throw new Error(`mariadbd did not come up (exit ${exited ?? 'timeout'}); see ${this.logFile}:\n${tail(this.logFile)}`);
    }
    return 'started';
  }

  private writeCnf(): void {
    // Modest memory on a shared 2-core box; full durability (flush at commit) kept on purpose.
    const asRoot = process.getuid?.() === 0;
    const lines = [
      '[mariadbd]',
      `datadir=${this.dataDir}`,
      `socket=${this.socket}`,
      `pid-file=${this.pidFile}`,
      `port=${this.port}`,
      `bind-address=${this.host === 'localhost' ? '127.0.0.1' : this.host}`,
      `log-error=${this.logFile}`,
      ...(asRoot ? ['user=root'] : []),
      'skip-name-resolve',
      'character-set-server=utf8mb4',
      'collation-server=utf8mb4_general_ci',
      'innodb_buffer_pool_size=128M',
      'innodb_log_file_size=48M',
      'max_connections=500',
      'performance_schema=OFF',
      '',
    ];
    fs.writeFileSync(this.cnf, lines.join('\n'));
  }

  private initDataDir(say: Say): void {
    say(`initialising MariaDB data directory ${this.dataDir}`);
    const r = spawnSync(
      findBin(INSTALL_DB)!,
      [
        `--defaults-file=${this.cnf}`,
        // root@localhost with no password, reachable only through the private socket under var/
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) {
      throw new Error(`mariadb-install-db failed (${r.status ?? r.error?.message}):\n${r.stdout}\n${r.stderr}`);
    }
  }
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
