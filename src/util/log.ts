import pino from 'pino';

/**
 * Where the root logger writes: stdout, asynchronous and buffered. A login storm writes a few
 * lines per login, and one write(2) per line was ~5 % of msg_server's CPU there. Lines leave once
 * 4 KiB have gathered or at the latest FLUSH_MS later, and every exit path flushes synchronously
 * (flushLogSync, and the 'exit' hook below) so the last line, often the reason, is never lost. Only
 * a SIGKILL can cost the last FLUSH_MS of lines; LOG_SYNC=1 writes each line at once instead (for
 * chasing a hard crash).
 */
const FLUSH_MS = 250;
const destination = pino.destination({ dest: 1, sync: process.env.LOG_SYNC === '1', minLength: 4096 });
setInterval(() => destination.flush(), FLUSH_MS).unref();
process.on('exit', () => flushLogSync());

/**
 * One pino root per process; servers derive child loggers named for what they are
 * (`log.child({ server: 'msg' })`). Level comes from LOG_LEVEL so tests can stay quiet
 * (LOG_LEVEL=silent) and operators can turn on debug without a rebuild.
 */
export const log = pino(
  {
    level: process.env.LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  destination,
);

export type Logger = pino.Logger;

export function childLog(bindings: Record<string, unknown>): Logger {
  return log.child(bindings);
}

/** Write out every buffered log line now (before process.exit, in fatal paths). Never throws. */
export function flushLogSync(): void {
  try {
    destination.flushSync();
  } catch {
    // stdout closed or not writable: nothing more can be said anyway
  }
}
