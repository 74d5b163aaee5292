/**
 * Whole-file cache keyed by the stored path (`000/001/name`).
 *
 * Rewrite (edge.md §2.7, §7 item 15): the original kept up to 10 000 whole files (about 50 GB worst
 * case) and evicted alphabetically. This one is bounded in bytes and evicts the least recently
 * used entry; entries are immutable Buffers, so a reader never sees one change under it.
 */
export class FileCache {
  private readonly map = new Map<string, Buffer>();
  private used = 0;

  constructor(readonly maxBytes: number, readonly maxEntryBytes: number) {}

  get bytes(): number { return this.used; }
  get size(): number { return this.map.size; }

  get(key: string): Buffer | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    // Re-insert: Map iteration order is insertion order, so the first key is the least recent.
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: string, value: Buffer): void {
    if (value.length > this.maxEntryBytes || value.length > this.maxBytes) return;
    const old = this.map.get(key);
    if (old !== undefined) { this.used -= old.length; this.map.delete(key); }
    this.map.set(key, value);
    this.used += value.length;
    for (const [k, v] of this.map) {
      if (this.used <= this.maxBytes) break;
      this.map.delete(k);
      this.used -= v.length;
    }
  }

  delete(key: string): void {
    const old = this.map.get(key);
    if (old === undefined) return;
    this.used -= old.length;
    this.map.delete(key);
  }
}
