import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import mysql from 'mysql2/promise';
import { PrivateMariaDb } from '../../../src/cli/provision/PrivateMariaDb';
import { PrivateRedis } from '../../../src/cli/provision/PrivateRedis';
import { applySchema, seedDemo } from '../../../src/cli/provision/Schema';
import { varDir } from '../../../src/cli/provision/paths';
import { pidAlive, portOpen, waitUntil } from '../../../src/cli/provision/probe';

/**
 * Dedicated MariaDB / Redis instances for the restart tests, so that restarting them never
 * disturbs the shared test instances other engineers' tests use. Everything lives under
 * var/db_proxy_test/<name>-<pid>/ and is removed by `destroy()`. Only processes started here are
 * signalled, by their own pid.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

const quiet = (): void => undefined;

async function stopPid(pid: number | undefined, signal: NodeJS.Signals, ms = 30_000): Promise<void> {
  if (!pid || !pidAlive(pid)) return;
  process.kill(pid, signal);
  await waitUntil(async () => !pidAlive(pid), ms, 50);
}

export class ThrowawayRedis {
  private constructor(readonly inst: PrivateRedis, readonly root: string) {}

  static async start(): Promise<ThrowawayRedis> {
    const root = path.join(varDir, 'db_proxy_test', `redis-${process.pid}-${Date.now()}`);
    const r = new ThrowawayRedis(new PrivateRedis(root, '127.0.0.1', await freePort()), root);
    await r.inst.ensureRunning(quiet);
    return r;
  }

  get port(): number {
    return this.inst.port;
  }

  /** A crash (SIGKILL: the last second of AOF may be lost), then a start on the same data. */
  async crash(): Promise<void> {
    await stopPid(this.inst.readPid(), 'SIGKILL');
    await waitUntil(async () => !(await portOpen('127.0.0.1', this.port)), 5000, 50);
  }

  async startAgain(): Promise<void> {
    await this.inst.ensureRunning(quiet);
  }

  async destroy(): Promise<void> {
    await stopPid(this.inst.readPid(), 'SIGKILL');
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export class ThrowawayMariaDb {
  static readonly user = 'ttrestart';
  static readonly password = 'ttrestart';
  static readonly database = 'teamtalk_restart';

  private constructor(readonly inst: PrivateMariaDb, readonly root: string) {}

  /** Initialise (a few seconds), start, create the schema with the demo data and a TCP user. */
  static async start(): Promise<ThrowawayMariaDb> {
    const root = path.join(varDir, 'db_proxy_test', `mysql-${process.pid}-${Date.now()}`);
    const m = new ThrowawayMariaDb(new PrivateMariaDb(root, '127.0.0.1', await freePort()), root);
    await m.inst.ensureRunning(quiet);
    const conn = await mysql.createConnection({ socketPath: m.inst.socket, user: 'root', multipleStatements: true });
    try {
      await applySchema(conn, ThrowawayMariaDb.database);
      await seedDemo(conn, ThrowawayMariaDb.database);
      await conn.query(`CREATE USER IF NOT EXISTS '${ThrowawayMariaDb.user}'@'127.0.0.1' IDENTIFIED BY '${ThrowawayMariaDb.password}'`);
      await conn.query(`GRANT ALL ON \`${ThrowawayMariaDb.database}\`.* TO '${ThrowawayMariaDb.user}'@'127.0.0.1'`);
    } finally {
      await conn.end();
    }
    return m;
  }

  get port(): number {
    return this.inst.port;
  }

  /**
   * Another TCP account on the test database with only these privileges ('SELECT' for a
   * read-only replica's account). Names and privileges are the test's own constants.
   */
  async createAccount(user: string, password: string, privileges: 'SELECT' | 'ALL'): Promise<void> {
    const conn = await mysql.createConnection({ socketPath: this.inst.socket, user: 'root' });
    try {
      await conn.query(`CREATE USER IF NOT EXISTS '${user}'@'127.0.0.1' IDENTIFIED BY '${password}'`);
      await conn.query(`GRANT ${privileges} ON \`${ThrowawayMariaDb.database}\`.* TO '${user}'@'127.0.0.1'`);
    } finally {
      await conn.end();
    }
  }

  /** A crash (SIGKILL: no clean shutdown; InnoDB recovers from its redo log on the next start). */
  async kill(): Promise<void> {
    await stopPid(this.inst.readPid(), 'SIGKILL');
    await waitUntil(async () => !(await portOpen('127.0.0.1', this.port)), 5000, 50);
  }

  /** Clean shutdown (SIGTERM: committed data survives), then a start on the same data. */
  async restart(downMs: number): Promise<void> {
    await this.stop();
    await new Promise((r) => setTimeout(r, downMs));
    await this.startAgain();
  }

  /** Clean shutdown; returns once the server process is gone (the port refuses connections). */
  async stop(): Promise<void> {
    await stopPid(this.inst.readPid(), 'SIGTERM');
  }

  async startAgain(): Promise<void> {
    await this.inst.ensureRunning(quiet);
  }

  /**
   * A hung server (SIGSTOP): the port still accepts TCP connections and takes the bytes sent on
   * open ones, but nothing is ever answered, the failure no driver error reports.
   */
  pause(): void {
    const pid = this.inst.readPid();
    if (pid && pidAlive(pid)) process.kill(pid, 'SIGSTOP');
  }

  resume(): void {
    const pid = this.inst.readPid();
    if (pid && pidAlive(pid)) process.kill(pid, 'SIGCONT');
  }

  async query<T>(sql: string, params: Array<number | string> = []): Promise<T[]> {
    const conn = await mysql.createConnection({ socketPath: this.inst.socket, user: 'root', database: ThrowawayMariaDb.database });
    try {
      const [rows] = await conn.query(sql, params);
      return rows as T[];
    } finally {
      await conn.end();
    }
  }

  async destroy(): Promise<void> {
    this.resume(); // a stopped process would never act on SIGTERM
    await stopPid(this.inst.readPid(), 'SIGTERM');
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
