/**
 * A Map that forgets its oldest entries past a size bound. Used for ids that never change once
 * created (relation ids, session row ids), so a stale entry is impossible and eviction is only
 * about memory.
 */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}

  get(k: K): V | undefined {
    return this.map.get(k);
  }

  set(k: K, v: V): void {
    if (this.map.size >= this.max && !this.map.has(k)) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(k, v);
  }

  delete(k: K): void {
    this.map.delete(k);
  }

  clear(): void {
    this.map.clear();
  }
}
