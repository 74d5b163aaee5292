import type { Mysql } from '../worker/Mysql';
import { unixNow } from './time';

export interface OfflineFileRow {
  fromId: number;
  taskId: string;
  fileName: string;
  size: number;
}

/** Rewrite (§9): most offline files one list returns. */
const MAX_OFFLINE_FILES = 500;

/** Offline file records (IMTransmitFile, schema.md §2.12; provisioning creates the table). */
export class FileModel {
  constructor(private readonly master: Mysql, private readonly slave: Mysql) {}

  list(to: number): Promise<OfflineFileRow[]> {
    return this.slave.rows<OfflineFileRow>(
      `SELECT fromId, taskId, fileName, size FROM IMTransmitFile WHERE toId = ? AND status = 0 ORDER BY created, id LIMIT ${MAX_OFFLINE_FILES}`, [to]);
  }

  async add(from: number, to: number, taskId: string, fileName: string, size: number): Promise<void> {
    const now = unixNow();
    await this.master.exec(
      'INSERT INTO IMTransmitFile (fromId, toId, fileName, size, taskId, status, created, updated) VALUES (?, ?, ?, ?, ?, 0, ?, ?)',
      [from, to, fileName, size, taskId, now, now]);
  }

  /** The task id is a parameter (the original pasted it into the SQL, §10.1). */
  async remove(from: number, to: number, taskId: string): Promise<number> {
    const res = await this.master.exec('DELETE FROM IMTransmitFile WHERE fromId = ? AND toId = ? AND taskId = ?', [from, to, taskId]);
    return res.affectedRows;
  }
}
