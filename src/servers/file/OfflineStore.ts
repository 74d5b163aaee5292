import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Logger } from '../../util/log';
import { isValidTaskId } from './TaskId';
import { freeDiskBytes } from '../../util/freeDiskBytes';

/** edge.md §1.9: offline files move in fixed 32 768-byte segments. */
export const SEGMENT_SIZE = 32768;
/** edge.md §1.10: every stored file starts with this fixed header. */
export const HEADER_SIZE = 960;

const FIELD = {
  taskId: [0, 128],
  fromUserId: [128, 64],
  toUserId: [192, 64],
  createTime: [256, 128],
  fileName: [384, 512],
  fileSize: [896, 64],
} as const;

export interface OfflineHeader {
  taskId: string;
  fromUserId: number;
  toUserId: number;
  /** Unix seconds when the first segment arrived. */
  createTime: number;
  fileName: string;
  fileSize: number;
}

export type StoreErrorCode = 'bad-task-id' | 'not-found' | 'bad-header' | 'size-mismatch' | 'io';

export class StoreError extends Error {
  constructor(readonly code: StoreErrorCode, readonly taskId: string, message: string) {
    super(`${code} (task ${JSON.stringify(taskId.slice(0, 64))}): ${message}`);
    this.name = 'StoreError';
  }
}

export function segmentCount(fileSize: number): number {
  return Math.ceil(fileSize / SEGMENT_SIZE);
}

/** Size of segment `index` (0-based) of a file of `fileSize` bytes. */
export function segmentSize(fileSize: number, index: number): number {
  return Math.max(0, Math.min(SEGMENT_SIZE, fileSize - index * SEGMENT_SIZE));
}

/** ASCII/UTF-8 text, NUL-padded to the field width; the whole header starts zeroed (edge.md §1.10). */
export function encodeHeader(h: OfflineHeader): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE);
  const put = (f: readonly [number, number], text: string): void => {
    // Leave at least one NUL so the field always reads back terminated; never split a UTF-8 char.
    let bytes = Buffer.from(text, 'utf8');
    if (bytes.length > f[1] - 1) bytes = Buffer.from(bytes.subarray(0, f[1] - 1).toString('utf8').replace(/\uFFFD$/, ''), 'utf8');
    bytes.copy(buf, f[0]);
  };
  put(FIELD.taskId, h.taskId);
  put(FIELD.fromUserId, String(h.fromUserId));
  put(FIELD.toUserId, String(h.toUserId));
  put(FIELD.createTime, String(h.createTime));
  // Rewrite (edge.md §1.15): the original always left the name empty; we store it.
  put(FIELD.fileName, h.fileName);
  put(FIELD.fileSize, String(h.fileSize));
  return buf;
}

export function decodeHeader(buf: Buffer, expectTaskId: string): OfflineHeader {
  if (buf.length < HEADER_SIZE) throw new StoreError('bad-header', expectTaskId, `header is ${buf.length} bytes`);
  const text = (f: readonly [number, number]): string => {
    const raw = buf.subarray(f[0], f[0] + f[1]);
    const nul = raw.indexOf(0);
    return raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8');
  };
  const num = (f: readonly [number, number], name: string): number => {
    const t = text(f);
    if (!/^\d{1,10}$/.test(t)) throw new StoreError('bad-header', expectTaskId, `${name} is not a decimal number`);
    const v = Number(t);
    if (v > 0xffffffff) throw new StoreError('bad-header', expectTaskId, `${name} out of range`);
    return v;
  };
  const taskId = text(FIELD.taskId);
  if (taskId !== expectTaskId) throw new StoreError('bad-header', expectTaskId, 'header names another task');
  return {
    taskId,
    fromUserId: num(FIELD.fromUserId, 'from user id'),
    toUserId: num(FIELD.toUserId, 'to user id'),
    createTime: /^\d{1,12}$/.test(text(FIELD.createTime)) ? Number(text(FIELD.createTime)) : 0,
    fileName: text(FIELD.fileName),
    fileSize: num(FIELD.fileSize, 'file size'),
  };
}

/** A file being uploaded: written to `<id>.part`, renamed into place only when complete. */
export class UploadFile {
  private done = false;

  constructor(
    private readonly store: OfflineStore,
    readonly header: OfflineHeader,
    private readonly fh: fsp.FileHandle,
    private readonly partPath: string,
    private readonly finalPath: string,
  ) {}

  /** Write file bytes at file offset `offset` (the header is already in place). */
  async write(data: Uint8Array, offset: number): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.fh.write(data, done, data.length - done, HEADER_SIZE + offset + done);
      done += bytesWritten;
    }
  }

  /** Durable before visible: fsync, close, then rename so a download never sees a partial file. */
  async finish(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.fh.sync();
      await this.fh.close();
      await fsp.rename(this.partPath, this.finalPath);
    } finally {
      this.store.uploadEnded(this.header.taskId);
    }
  }

  /** Rewrite (edge.md §1.15): a broken upload leaves nothing behind on disk. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.fh.close().catch(() => undefined);
      await fsp.rm(this.partPath, { force: true });
    } finally {
      this.store.uploadEnded(this.header.taskId);
    }
  }
}

/** A stored file opened for a download. */
export class DownloadFile {
  private closed = false;

  constructor(readonly header: OfflineHeader, private readonly fh: fsp.FileHandle) {}

  /** Read exactly `length` file bytes at file offset `offset`. */
  async read(offset: number, length: number): Promise<Buffer> {
    const out = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.fh.read(out, got, length - got, HEADER_SIZE + offset + got);
      if (bytesRead === 0) throw new StoreError('size-mismatch', this.header.taskId, `file ends before offset ${offset + got}`);
      got += bytesRead;
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }
}

/**
 * The offline file tree (edge.md §1.10): `<root>/<id[0..1]>/<id>`, 960-byte header + data, so a tree
 * migrated from the original stays readable. Paths are built only from validated task ids and checked
 * to stay under the root. Rewrite: stored files expire (the original kept them forever) and partial
 * uploads are deleted.
 */
export class OfflineStore {
  readonly root: string;
  /** Task ids with an upload in progress: their `.part` files are not stale. */
  private readonly active = new Set<string>();

  constructor(root: string, private readonly log: Logger) {
    this.root = path.resolve(root);
  }

  async init(): Promise<void> {
    await fsp.mkdir(this.root, { recursive: true, mode: 0o755 });
  }

  /** The stored file's path; throws StoreError('bad-task-id') for anything that is not a task id. */
  pathOf(taskId: string): string {
    if (!isValidTaskId(taskId)) throw new StoreError('bad-task-id', taskId, 'not a task id');
    const p = path.join(this.root, taskId.slice(0, 2), taskId);
    // Defence in depth: a validated id cannot escape, but the check costs nothing.
    if (path.dirname(path.dirname(p)) !== this.root) throw new StoreError('bad-task-id', taskId, 'path escapes the store');
    return p;
  }

  async createUpload(header: OfflineHeader): Promise<UploadFile> {
    const finalPath = this.pathOf(header.taskId);
    const partPath = `${finalPath}.part`;
    if (this.active.has(header.taskId)) throw new StoreError('io', header.taskId, 'upload already in progress');
    try {
      await fsp.mkdir(path.dirname(finalPath), { recursive: true, mode: 0o755 });
      // 'wx': a task id is never uploaded twice; an existing part file means something is wrong.
      await fsp.rm(partPath, { force: true });
      const fh = await fsp.open(partPath, 'wx', 0o644);
      this.active.add(header.taskId);
      const up = new UploadFile(this, header, fh, partPath, finalPath);
      try {
        await up.write(encodeHeader(header), -HEADER_SIZE);
      } catch (err) {
        await up.abort();
        throw err;
      }
      return up;
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError('io', header.taskId, (err as Error).message);
    }
  }

  /** Open a complete stored file; its length must match the header (edge.md §1.10). */
  async openDownload(taskId: string): Promise<DownloadFile> {
    const p = this.pathOf(taskId);
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(p, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new StoreError(code === 'ENOENT' ? 'not-found' : 'io', taskId, (err as Error).message);
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new StoreError('io', taskId, 'not a regular file');
      const buf = Buffer.alloc(HEADER_SIZE);
      const { bytesRead } = await fh.read(buf, 0, HEADER_SIZE, 0);
      if (bytesRead < HEADER_SIZE) throw new StoreError('bad-header', taskId, 'short header');
      const header = decodeHeader(buf, taskId);
      if (st.size - HEADER_SIZE !== header.fileSize) {
        throw new StoreError('size-mismatch', taskId, `header says ${header.fileSize} bytes, file holds ${st.size - HEADER_SIZE}`);
      }
      return new DownloadFile(header, fh);
    } catch (err) {
      await fh.close().catch(() => undefined);
      if (err instanceof StoreError) throw err;
      throw new StoreError('io', taskId, (err as Error).message);
    }
  }

  /** Free bytes for unprivileged writers on the store's file system (for the `MinFreeDiskMB` floor). */
  async freeBytes(): Promise<number> {
    return freeDiskBytes(this.root);
  }

  async remove(taskId: string): Promise<void> {
    const p = this.pathOf(taskId);
    await fsp.rm(p, { force: true });
    if (!this.active.has(taskId)) await fsp.rm(`${p}.part`, { force: true });
  }

  /** @internal called by UploadFile when it finishes or aborts. */
  uploadEnded(taskId: string): void {
    this.active.delete(taskId);
  }

  /**
   * Delete stored files older than `maxAgeMs` (by modification time = completion) and every `.part`
   * file no upload in this process owns (left by a crash). Returns how many files were removed.
   */
  async sweep(nowEpochMs: number, maxAgeMs: number): Promise<number> {
    let removed = 0;
    let dirs: string[];
    try {
      dirs = await fsp.readdir(this.root);
    } catch {
      return 0;
    }
    for (const d of dirs) {
      if (!/^[0-9a-f]{2}$/.test(d)) continue;
      const dir = path.join(this.root, d);
      let names: string[];
      try { names = await fsp.readdir(dir); } catch { continue; }
      for (const name of names) {
        const isPart = name.endsWith('.part');
        const id = isPart ? name.slice(0, -5) : name;
        if (!isValidTaskId(id) || id.slice(0, 2) !== d) continue;
        const p = path.join(dir, name);
        try {
          if (isPart) {
            if (this.active.has(id)) continue;
          } else {
            const st = await fsp.stat(p);
            if (maxAgeMs <= 0 || nowEpochMs - st.mtimeMs < maxAgeMs) continue;
          }
          await fsp.rm(p, { force: true });
          removed++;
          this.log.info({ taskId: id, partial: isPart }, 'offline file expired; deleted');
        } catch (err) {
          this.log.warn({ taskId: id, err: (err as Error).message }, 'offline sweep could not remove a file');
        }
      }
    }
    return removed;
  }
}
