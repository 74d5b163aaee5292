import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The repository root: the nearest directory above this file with teamtalk-ts's package.json.
 * Works both from src/ (ts-node style) and from dist/src/ (compiled).
 */
export const repoRoot: string = (() => {
  for (let d = __dirname; ; d = path.dirname(d)) {
    const pkg = path.join(d, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'teamtalk-ts') return d;
      } catch {
        // unreadable package.json: keep climbing
      }
    }
    if (path.dirname(d) === d) throw new Error(`teamtalk-ts package.json not found above ${__dirname}`);
  }
})();

export const confDir = path.join(repoRoot, 'conf');
export const sqlDir = path.join(repoRoot, 'scripts', 'sql');
/** Everything a run creates (private databases, logs, msfs files) lives here; gitignored. */
export const varDir = process.env.TT_VAR_DIR ?? path.join(repoRoot, 'var');
