import type { Mysql } from '../worker/Mysql';

export interface DepartRow {
  id: number;
  departName: string;
  priority: number;
  parentId: number;
  status: number;
  updated: number;
}

/** §6.8: departments changed strictly after T (any status), table order. */
export class DepartModel {
  constructor(private readonly slave: Mysql) {}

  changedSince(t: number): Promise<DepartRow[]> {
    return this.slave.rows<DepartRow>(
      'SELECT id, departName, priority, parentId, status, updated FROM IMDepart WHERE updated > ? ORDER BY id', [t]);
  }
}
