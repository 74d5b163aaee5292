import { BenchWorker } from './BenchWorker';
import type { FromWorker, ToWorker } from './types';

/**
 * Entry point of a forked bench process: one BenchWorker driven by the parent over IPC.
 * Anything unexpected is reported as 'fatal' and ends the process with code 1, so the parent never
 * waits on a worker that silently died.
 */
let worker: BenchWorker | undefined;
let workerIndex = -1;

function send(m: FromWorker): void {
  if (process.send !== undefined && process.connected) process.send(m);
}

function fatal(e: unknown): void {
  send({ type: 'fatal', worker: workerIndex, error: e instanceof Error ? e.stack ?? e.message : String(e) });
  setTimeout(() => process.exit(1), 100);
}

process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
// the parent went away (Ctrl-C, crash): do not linger holding thousands of sockets
process.on('disconnect', () => process.exit(0));

process.on('message', (raw: unknown) => {
  const m = raw as ToWorker;
  switch (m.type) {
    case 'plan':
      workerIndex = m.plan.worker;
      worker = new BenchWorker(m.plan, send);
      worker.start();
      break;
    case 'go':
      worker?.go(m.uids, m.durationMs);
      break;
    case 'report':
      if (worker !== undefined) send({ type: 'report', report: worker.report() });
      break;
    case 'close':
      (worker?.close(m.logout) ?? Promise.resolve()).then(() => {
        send({ type: 'closed', worker: workerIndex });
        setTimeout(() => process.exit(0), 50);
      }, fatal);
      break;
  }
});
