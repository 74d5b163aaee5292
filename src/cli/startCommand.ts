import * as path from 'node:path';
import { endpointLines } from './endpoints';
import { repoRoot, varDir } from './provision/paths';
import { SERVERS, serverBuilt, serverModulePath } from './serverCatalog';
import { Supervisor } from './Supervisor';

export interface StartCommandOptions {
  confDir?: string;
  varDir?: string;
  /** comma-separated server names to run instead of all built ones */
  only?: string;
}

const say = (line: string): void => console.log(`[tt] ${line}`);

/**
 * `tt start`: every built server under supervision, endpoints printed, until SIGINT/SIGTERM; then
 * everything it started is stopped and the process exits 0.
 */
export async function startCommand(o: StartCommandOptions): Promise<void> {
  const confDir = path.resolve(o.confDir ?? path.join(repoRoot, 'conf'));
  const vdir = path.resolve(o.varDir ?? varDir);
  const wanted = o.only?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = wanted?.filter((w) => !SERVERS.some((s) => s.name === w || s.original === w)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown server(s): ${unknown.join(', ')}`);
  const selected = SERVERS.filter((s) => wanted === undefined || wanted.includes(s.name) || wanted.includes(s.original));
  const built = selected.filter(serverBuilt);
  for (const s of selected.filter((s) => !serverBuilt(s))) say(`skipping ${s.name}: not built yet (no ${serverModulePath(s)})`);
  if (built.length === 0) say('no server is built yet: nothing to run (Ctrl-C to quit)');

  const sup = new Supervisor({
    confDir,
    logDir: path.join(vdir, 'log'),
    runDir: path.join(vdir, 'run'),
    ttScript: path.join(__dirname, 'tt.js'),
    cwd: repoRoot,
    say,
  });

  let stopping: Promise<void> | undefined;
  const stop = (sig: string): void => {
    if (stopping !== undefined) return;
    say(`${sig}: stopping ${built.map((s) => s.name).reverse().join(', ') || 'nothing'}`);
    stopping = sup.stop().then(
      () => {
        say('all stopped');
        process.exit(0);
      },
      (e: unknown) => {
        console.error(`[tt] stop failed: ${String(e)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  say(`starting ${built.map((s) => s.name).join(', ')}; logs in ${path.join(vdir, 'log')}`);
  await sup.start(built);
  if (stopping !== undefined) return;
  const pids = sup.pids();
  const lines = endpointLines(confDir, (name) => pids[name] !== undefined);
  say(lines.length > 0 ? `endpoints:\n${lines.join('\n')}` : 'no endpoints (no client-facing server is running)');
  say('running; Ctrl-C stops everything');
  // keep the event loop alive while only children are working
  setInterval(() => undefined, 1 << 30);
}
