import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfError } from '../conf/ConfError';
import { log } from '../util/log';
import { ServerInfo, serverModulePath } from './serverCatalog';
import { isServerModule, RunningServer } from './serverModule';

/** Exit codes of `tt <server>`: 2 = bad configuration (so scripts can tell it from a crash). */
export const EXIT_CONF = 2;
export const EXIT_FAILURE = 1;

const STOP_TIMEOUT_MS = 10_000;

function isConfError(e: unknown): e is ConfError {
  return e instanceof ConfError || (e instanceof Error && e.name === 'ConfError');
}

/** process.exit runs log.ts's 'exit' hook, which flushes the buffered log lines (often the reason). */
function exit(code: number): never {
  process.exit(code);
}

/**
 * `tt <server> --conf <file>`: loads the server module, starts it, and owns the process: an
 * uncaught error or unhandled rejection is logged and ends the process non-zero (a supervisor
 * restarts it); SIGINT/SIGTERM stop the server cleanly and exit 0.
 */
export async function runServer(info: ServerInfo, confPath: string, pidFile?: string, exitWithParent = false): Promise<void> {
  const slog = log.child({ server: info.name });
  process.on('uncaughtException', (e) => {
    slog.fatal({ err: e }, 'uncaught exception, exiting');
    exit(EXIT_FAILURE);
  });
  process.on('unhandledRejection', (e) => {
    slog.fatal({ err: e }, 'unhandled promise rejection, exiting');
    exit(EXIT_FAILURE);
  });

  const modPath = serverModulePath(info);
  if (!fs.existsSync(modPath)) {
    console.error(`tt: ${info.name} is not built (no ${modPath}); run npm run build`);
    exit(EXIT_FAILURE);
  }
  const mod: unknown = require(modPath);
  if (!isServerModule(mod)) {
    console.error(`tt: ${modPath} does not export start()`);
    exit(EXIT_FAILURE);
  }

  let server: RunningServer;
  try {
    server = await mod.start({ confPath: path.resolve(confPath) });
  } catch (e) {
    if (isConfError(e)) {
      console.error(`tt ${info.name}: configuration error: ${e.message}`);
      exit(EXIT_CONF);
    }
    slog.fatal({ err: e }, 'start failed');
    console.error(`tt ${info.name}: start failed: ${e instanceof Error ? e.message : String(e)}`);
    exit(EXIT_FAILURE);
  }
  if (pidFile !== undefined) {
    fs.mkdirSync(path.dirname(pidFile), { recursive: true });
    fs.writeFileSync(pidFile, `${process.pid}\n`);
  }
  slog.info({ ports: server.ports, conf: confPath, pid: process.pid }, `${info.name} started`);

  let stopping = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stopping) {
      slog.warn(`${sig} again, exiting without waiting`);
      exit(EXIT_FAILURE);
    }
    stopping = true;
    slog.info(`${sig}: stopping`);
    const timer = setTimeout(() => {
      slog.error(`stop did not finish within ${STOP_TIMEOUT_MS} ms, exiting`);
      exit(EXIT_FAILURE);
    }, STOP_TIMEOUT_MS);
    timer.unref();
    server
      .stop()
      .then(() => {
        if (pidFile !== undefined) fs.rmSync(pidFile, { force: true });
        slog.info('stopped');
        exit(0);
      })
      .catch((e: unknown) => {
        slog.error({ err: e }, 'stop failed');
        exit(EXIT_FAILURE);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // Supervised children run in their own process group; if the supervisor is killed outright
  // (SIGKILL, OOM) nobody would stop them, so they watch for being re-parented and stop.
  if (exitWithParent) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) onSignal('SIGTERM');
    }, 1000).unref();
  }
}
