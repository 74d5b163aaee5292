/**
 * Work keys (db_proxy.md §2.6 Rewrite): requests naming the same conversation, group or user go to
 * the same worker and run there one after another, so db_proxy itself never reorders related work
 * (the original dispatched at random, §2.2). Main thread and workers must agree on the hash.
 */
export type WorkKey = string;

/** A one-to-one conversation: the unordered user pair. */
export function conversationKey(a: number, b: number): WorkKey {
  return a < b ? `s${a}_${b}` : `s${b}_${a}`;
}

export function groupKey(groupId: number): WorkKey {
  return `g${groupId}`;
}

export function userKey(userId: number): WorkKey {
  return `u${userId}`;
}

/** Login attempts: the failure throttle is keyed by login name (db_proxy.md §6.1). */
export function loginKey(name: string): WorkKey {
  return `n${name}`;
}

/** A large body whose skim did not decode (index.ts): all such requests share one key. */
export const OVERSIZED_KEY: WorkKey = 'oversized';

/** Session-typed requests: the conversation for single sessions, the group for group sessions. */
export function sessionKey(userId: number, sessionType: number, sessionId: number): WorkKey {
  return sessionType === 2 ? groupKey(sessionId) : conversationKey(userId, sessionId);
}

/**
 * FNV-1a over the key's UTF-16 units, then murmur3's final mix: cheap and stable across threads.
 * The mix matters: FNV-1a's low bits are only the XOR of the characters' low bits, so with
 * `% 2` every conversation of two consecutive user ids ("s1535_1536") landed on the same worker,
 * which then stored all the chat traffic while the other idled.
 */
export function workerIndex(key: WorkKey, workers: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % workers;
}
