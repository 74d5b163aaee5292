import { promises as fsp, constants as fsc } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { UploadName } from './UploadName';
import { freeDiskBytes } from '../../util/freeDiskBytes';

/** Path group of every stored file; a constant in the original (edge.md §2.6). */
export const GROUP = 'g0';
const TMP_DIR = '.tmp';
const COUNT_FILE = '.filecnt';
const MAX_UNIQUE_CHARS = 29;

export class StoreError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'StoreError';
  }
}

/**
 * The on-disk layout of edge.md §2.6, kept so existing stores keep working: `BaseDir/AAA/BBB/name`,
 * published as `g0/AAA/BBB/name`, with the directory chosen by the file counter.
 *
 * Rewrite:
 * - directories are created when first needed, not all 65 536 at every start;
 * - uploads arrive in a temporary file under `BaseDir/.tmp` and are published with link(2), which
 *   fails instead of overwriting, so a name collision retries instead of aborting the process;
 * - the counter is persisted to `BaseDir/.filecnt` (periodically and at stop) instead of rewriting
 *   msfs.conf on signals only; at start the larger of the two values wins.
 */
export class FileStore {
  private count: number;
  private persistedCount: number;
  private lastUs = 0;
  private realBase = '';

  constructor(readonly baseDir: string, readonly filesPerDir: number, initialCount: number) {
    this.count = initialCount;
    this.persistedCount = initialCount;
  }

  get fileCount(): number { return this.count; }

  async init(): Promise<void> {
    await fsp.mkdir(this.baseDir, { recursive: true });
    await fsp.mkdir(path.join(this.baseDir, TMP_DIR), { recursive: true });
    this.realBase = await fsp.realpath(this.baseDir);
    // Leftovers of uploads interrupted by a crash: nobody can reference them.
    for (const f of await fsp.readdir(path.join(this.baseDir, TMP_DIR))) {
      await fsp.rm(path.join(this.baseDir, TMP_DIR, f), { force: true });
    }
    const saved = await this.readSavedCount();
    if (saved > this.count) this.count = saved;
    this.persistedCount = this.count;
  }

  /** A fresh temporary file path for an incoming upload. */
  tempPath(): string {
    return path.join(this.baseDir, TMP_DIR, `up-${process.pid}-${randomBytes(8).toString('hex')}`);
  }

  /** Directory of file number n: F files per second-level directory, 255 second levels per first. */
  dirFor(n: number): string {
    const f = this.filesPerDir;
    const first = Math.floor(n / f / 255);
    const second = Math.floor((n % (f * 255)) / f);
    return `${String(first).padStart(3, '0')}/${String(second).padStart(3, '0')}`;
  }

  /** Publish a completed temporary file; returns the public path `g0/AAA/BBB/name`. */
  async commit(tmp: string, name: UploadName): Promise<string> {
    const dir = this.dirFor(this.count++);
    const absDir = path.join(this.baseDir, dir);
    try {
      await fsp.mkdir(absDir, { recursive: true });
      for (let attempt = 0; ; attempt++) {
        const file = this.fileName(name);
        try {
          await fsp.link(tmp, path.join(absDir, file));
          await fsp.chmod(path.join(absDir, file), 0o640);
          return `${GROUP}/${dir}/${file}`;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw err;
        }
      }
    } catch (err) {
      throw new StoreError(`cannot store upload in ${absDir}: ${(err as Error).message}`, err);
    } finally {
      await fsp.rm(tmp, { force: true });
    }
  }

  /**
   * The absolute path for a download path without its group segment (`000/001/name`), or
   * undefined when it is not a file inside BaseDir. Rewrite (edge.md §2.11): resolve and compare
   * real paths, so neither `..` nor a symlink leads outside the store; dot-files (the temporary
   * directory, the counter) are never served.
   */
  async resolve(rel: string): Promise<string | undefined> {
    if (rel.includes('\0') || rel.includes('\\')) return undefined;
    const segs = rel.split('/');
    if (segs.some((s) => s === '' || s.startsWith('.'))) return undefined;
    const abs = path.resolve(this.realBase, ...segs);
    if (!abs.startsWith(this.realBase + path.sep)) return undefined;
    let real: string;
    try {
      real = await fsp.realpath(abs);
    } catch {
      return undefined;
    }
    if (!real.startsWith(this.realBase + path.sep)) return undefined;
    try {
      const st = await fsp.stat(real);
      return st.isFile() ? real : undefined;
    } catch {
      return undefined;
    }
  }

  /** Write the counter if it changed (atomic: temp file + rename). */
  async persistCount(): Promise<void> {
    const n = this.count;
    if (n === this.persistedCount) return;
    const file = path.join(this.baseDir, COUNT_FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    await fsp.writeFile(tmp, `${n}\n`, { mode: 0o640 });
    await fsp.rename(tmp, file);
    this.persistedCount = n;
  }

  /** Free bytes on the store's file system (for the disk floor). */
  async freeBytes(): Promise<number> {
    return freeDiskBytes(this.baseDir);
  }

  private fileName(name: UploadName): string {
    let us = Date.now() * 1000;
    if (us <= this.lastUs) us = this.lastUs + 1;
    this.lastUs = us;
    // The original used the worker thread id; one process has one "thread", so the pid stands in.
    const unique = `${us}_${process.pid}`.slice(0, MAX_UNIQUE_CHARS);
    return name.sizeSuffix !== undefined ? `${unique}_${name.sizeSuffix}` : `${unique}.${name.ext}`;
  }

  private async readSavedCount(): Promise<number> {
    try {
      await fsp.access(path.join(this.baseDir, COUNT_FILE), fsc.R_OK);
    } catch {
      return 0;
    }
    const text = await fsp.readFile(path.join(this.baseDir, COUNT_FILE), 'utf8');
    const n = Number.parseInt(text.trim(), 10);
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  }
}
