import assert from 'node:assert/strict';
import type { Sent } from './traffic';

export interface StoredRow {
  relateId: number;
  fromId: number;
  toId: number;
  msgId: number;
  content: string;
}

type Query = (sql: string) => Promise<StoredRow[]>;

/** Every one-to-one message row of the 8 shards. */
export async function allSingleRows(query: Query): Promise<StoredRow[]> {
  const rows: StoredRow[] = [];
  for (let i = 0; i < 8; i++) rows.push(...(await query(`SELECT relateId, fromId, toId, msgId, content FROM IMMessage_${i}`)));
  return rows;
}

/**
 * The durability contract: every acknowledged message is stored once, under the id it was
 * acknowledged with, and no conversation holds one msg id twice.
 */
export function assertAckedStored(acked: Sent[], rows: StoredRow[]): void {
  const byContent = new Map<string, StoredRow[]>();
  for (const r of rows) byContent.set(r.content, [...(byContent.get(r.content) ?? []), r]);
  for (const a of acked) {
    const found = byContent.get(a.content) ?? [];
    assert.equal(found.length, 1, `acked message ${a.content} (msg id ${a.msgId}) stored ${found.length} times`);
    assert.equal(found[0]!.msgId, a.msgId, `${a.content}: stored with msg id ${found[0]!.msgId}, acked with ${a.msgId}`);
  }
  const seen = new Set<string>();
  for (const r of rows) {
    const k = `${r.relateId}:${r.msgId}`;
    assert.ok(!seen.has(k), `relation ${r.relateId} holds msg id ${r.msgId} twice`);
    seen.add(k);
  }
}
