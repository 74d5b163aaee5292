import type { Mysql } from '../worker/Mysql';
import { inList } from '../worker/Mysql';

/** schema.md §3: the modulus is fixed; changing it would strand stored messages. */
export const SHARDS = 8;
/** Shard table names, computed once: the only non-parameter part of any message statement. */
export const SINGLE_TABLES = Array.from({ length: SHARDS }, (_, i) => `IMMessage_${i}`);
export const GROUP_TABLES = Array.from({ length: SHARDS }, (_, i) => `IMGroupMessage_${i}`);

export const MSG_SINGLE_TEXT = 1;
export const MSG_SINGLE_AUDIO = 2;
export const MSG_GROUP_TEXT = 0x11;
export const MSG_GROUP_AUDIO = 0x12;
export const KNOWN_MSG_TYPES: ReadonlySet<number> = new Set([MSG_SINGLE_TEXT, MSG_SINGLE_AUDIO, MSG_GROUP_TEXT, MSG_GROUP_AUDIO]);

export function isAudio(type: number): boolean {
  return type === MSG_SINGLE_AUDIO || type === MSG_GROUP_AUDIO;
}

/** One stored message as the read paths return it. */
export interface StoredMsg {
  msgId: number;
  fromId: number;
  created: number;
  type: number;
  content: string;
}

/** Rewrite (§6.11): most rows one history or by-id read returns, whatever the request asks. */
export const MAX_MSG_READ = 100;
/** Paging bound meaning "from the newest". */
const NO_BOUND = 0xffffffff;

/**
 * Read side of the message shards (B4, §6.11–6.13). History pages by msgId, newest first, which
 * within one conversation is the storage order because allocation and insert are serialised per
 * conversation (Rewrite of §6.11: the original ordered by `created` while paging by msgId).
 */
export class MessageModel {
  constructor(private readonly slave: Mysql) {}

  /** B4 single: newest message of a relation, or null. */
  async lastSingle(relation: number): Promise<StoredMsg | null> {
    const rows = await this.slave.rows<StoredMsg>(
      `SELECT msgId, fromId, created, type, content FROM ${SINGLE_TABLES[relation % SHARDS]}
        WHERE relateId = ? AND status = 0 ORDER BY created DESC, id DESC LIMIT 1`, [relation]);
    return rows[0] ? clean(rows[0]) : null;
  }

  /** B4 group: newest message of a group, or null (no membership filter, like the original). */
  async lastGroup(group: number): Promise<StoredMsg | null> {
    const rows = await this.slave.rows<StoredMsg>(
      `SELECT msgId, userId AS fromId, created, type, content FROM ${GROUP_TABLES[group % SHARDS]}
        WHERE groupId = ? AND status = 0 ORDER BY created DESC, id DESC LIMIT 1`, [group]);
    return rows[0] ? clean(rows[0]) : null;
  }

  async historySingle(relation: number, beginMsgId: number, count: number): Promise<StoredMsg[]> {
    const rows = await this.slave.rows<StoredMsg>(
      `SELECT msgId, fromId, created, type, content FROM ${SINGLE_TABLES[relation % SHARDS]}
        WHERE relateId = ? AND status = 0 AND msgId <= ? ORDER BY msgId DESC, id DESC LIMIT ?`,
      [relation, beginMsgId || NO_BOUND, String(clampCount(count))]);
    return rows.map(clean);
  }

  async historyGroup(group: number, joinTime: number, beginMsgId: number, count: number): Promise<StoredMsg[]> {
    const rows = await this.slave.rows<StoredMsg>(
      `SELECT msgId, userId AS fromId, created, type, content FROM ${GROUP_TABLES[group % SHARDS]}
        WHERE groupId = ? AND status = 0 AND created >= ? AND msgId <= ? ORDER BY msgId DESC, id DESC LIMIT ?`,
      [group, joinTime, beginMsgId || NO_BOUND, String(clampCount(count))]);
    return rows.map(clean);
  }

  async byIdsSingle(relation: number, msgIds: number[]): Promise<StoredMsg[]> {
    if (msgIds.length === 0) return [];
    const { marks, params } = inList(msgIds);
    const rows = await this.slave.rows<StoredMsg>(
      `SELECT msgId, fromId, created, type, content FROM ${SINGLE_TABLES[relation % SHARDS]}
        WHERE relateId = ? AND status = 0 AND msgId IN (${marks}) ORDER BY created DESC, id DESC LIMIT ${MAX_MSG_READ}`,
      [relation, ...params]);
    return rows.map(clean);
  }

  async byIdsGroup(group: number, joinTime: number, msgIds: number[]): Promise<StoredMsg[]> {
    if (msgIds.length === 0) return [];
    const { marks, params } = inList(msgIds);
    const rows = await this.slave.rows<StoredMsg>(
      `SELECT msgId, userId AS fromId, created, type, content FROM ${GROUP_TABLES[group % SHARDS]}
        WHERE groupId = ? AND status = 0 AND created >= ? AND msgId IN (${marks}) ORDER BY created DESC, id DESC LIMIT ${MAX_MSG_READ}`,
      [group, joinTime, ...params]);
    return rows.map(clean);
  }
}

function clampCount(n: number): number {
  return Math.max(0, Math.min(n, MAX_MSG_READ));
}

/** Rewrite (schema.md §1): NULL content reads as ''. */
function clean(r: StoredMsg): StoredMsg {
  return { msgId: r.msgId, fromId: r.fromId, created: r.created, type: r.type, content: r.content ?? '' };
}
