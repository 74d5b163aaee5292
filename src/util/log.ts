import pino from 'pino';

/**
 * One pino root per process; servers derive child loggers named for what they are
 * (`log.child({ server: 'msg' })`). Level comes from LOG_LEVEL so tests can stay quiet
 * (LOG_LEVEL=silent) and operators can turn on debug without a rebuild.
 */
export const log = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
});

export type Logger = pino.Logger;

export function childLog(bindings: Record<string, unknown>): Logger {
  return log.child(bindings);
}
