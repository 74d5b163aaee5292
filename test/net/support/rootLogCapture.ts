import pino from 'pino';
import { log } from '../../../src/util/log';

/**
 * Lines written through the process's root logger (and every child of it created after this
 * module loaded), parsed as JSON.
 *
 * The transports log through module-level children of the root logger (`childLog` in
 * src/util/log.ts). A pino child shares its parent's stream but copies the parent's level when it
 * is created, so this module must be imported BEFORE anything that loads src/net (put it first in
 * the test file): it raises the root's level to at least `warn` (npm test runs with
 * LOG_LEVEL=silent) and swaps the root's stream for an array. A test file runs in its own process
 * under node --test, so nothing else is affected. If the ordering is broken the expected lines are
 * missing and the assertion that looks for them fails.
 */
export const rootLogLines: Array<Record<string, unknown>> = [];

if (!log.isLevelEnabled('warn')) log.level = 'warn';
(log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = {
  write: (s: string): void => { rootLogLines.push(JSON.parse(s) as Record<string, unknown>); },
};
