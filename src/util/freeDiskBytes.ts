import { promises as fsp } from 'node:fs';

/**
 * Bytes an unprivileged writer can still use on the file system holding `dir` (statfs bavail, so
 * root's reserve does not count). The disk floors of msfs and file_server (`MinFreeDiskMB`) are
 * decided on this.
 */
export async function freeDiskBytes(dir: string): Promise<number> {
  const s = await fsp.statfs(dir);
  return s.bavail * s.bsize;
}
