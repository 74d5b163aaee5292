import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import type { FromWorker, TickSample, ToWorker, WorkerPlan } from './types';

type Kind = FromWorker['type'];
type MsgOf<K extends Kind> = Extract<FromWorker, { type: K }>;

export class WorkerFailed extends Error {
  constructor(readonly worker: number, detail: string) {
    super(`bench worker ${worker} failed: ${detail}`);
    this.name = 'WorkerFailed';
  }
}

/**
 * The forked client processes (one BenchWorker each). The parent only plans and adds up: every
 * socket lives in a worker, so the measuring side scales with processes, not with one event loop.
 */
export class WorkerPool {
  private readonly procs: ChildProcess[] = [];
  private readonly inbox = new Map<Kind, FromWorker[]>();
  private readonly waiters: Array<{ kind: Kind; want: number; resolve: (m: FromWorker[]) => void; reject: (e: Error) => void }> = [];
  private failure: Error | undefined;
  private expectExit = false;

  constructor(plans: WorkerPlan[], private readonly onTick: (s: TickSample) => void) {
    const script = path.join(__dirname, 'worker.js');
    for (const plan of plans) {
      const p = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, LOG_LEVEL: 'silent' } });
      p.on('message', (m: unknown) => this.onMessage(m as FromWorker));
      p.on('exit', (code, signal) => {
        if (!this.expectExit) this.fail(new WorkerFailed(plan.worker, `exited (${signal ?? `code ${code}`})`));
      });
      p.on('error', (e) => this.fail(new WorkerFailed(plan.worker, e.message)));
      p.send({ type: 'plan', plan } satisfies ToWorker);
      this.procs.push(p);
    }
  }

  get size(): number {
    return this.procs.length;
  }

  pids(): number[] {
    return this.procs.map((p) => p.pid ?? 0);
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'tick') {
      this.onTick(m.sample);
      return;
    }
    if (m.type === 'fatal') {
      this.fail(new WorkerFailed(m.worker, m.error));
      return;
    }
    const list = this.inbox.get(m.type) ?? [];
    list.push(m);
    this.inbox.set(m.type, list);
    this.settle();
  }

  private settle(): void {
    for (const w of [...this.waiters]) {
      const list = this.inbox.get(w.kind) ?? [];
      if (list.length >= w.want) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        this.inbox.set(w.kind, list.slice(w.want));
        w.resolve(list.slice(0, w.want));
      }
    }
  }

  private fail(e: Error): void {
    if (this.failure !== undefined) return;
    this.failure = e;
    for (const w of this.waiters.splice(0)) w.reject(e);
  }

  /** One message of this kind from every worker. */
  all<K extends Kind>(kind: K, timeoutMs = 0): Promise<Array<MsgOf<K>>> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const w = {
        kind,
        want: this.procs.length,
        resolve: (m: FromWorker[]) => { if (timer) clearTimeout(timer); resolve(m as Array<MsgOf<K>>); },
        reject: (e: Error) => { if (timer) clearTimeout(timer); reject(e); },
      };
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          reject(new Error(`timeout after ${timeoutMs} ms waiting for '${kind}' from the workers`));
        }, timeoutMs);
      }
      this.waiters.push(w);
      this.settle();
    });
  }

  broadcast(m: ToWorker): void {
    for (const p of this.procs) if (p.connected) p.send(m);
  }

  /** Ask every worker to close its connections, then make sure every process is gone. */
  async shutdown(logout: boolean): Promise<void> {
    if (this.failure === undefined) {
      this.broadcast({ type: 'close', logout });
      try {
        await this.all('closed', 15_000);
      } catch {
        // a worker that does not close in time is killed below
      }
    }
    this.expectExit = true;
    await Promise.all(this.procs.map((p) => new Promise<void>((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) return resolve();
      p.once('exit', () => resolve());
      setTimeout(() => p.kill('SIGKILL'), 3000).unref();
    })));
  }
}
