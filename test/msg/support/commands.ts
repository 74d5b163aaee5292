// Small helpers shared by the msg_server command tests (test/msg/*_commands.test.ts): they run on
// the real system of test/e2e (TestSystem: db_proxy, route, login and msg on MariaDB/Redis).
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { testDb } from '../../helpers';
import type { RedisPool } from '../../../src/cli/provision/DbSettings';
import { Cid } from '../../../src/pdu/commands';
import { IM } from '../../../src/pdu/gen/im';
import type { TtClient } from '../../../src/client/TtClient';

export const WINDOWS = 0x01;
export const ANDROID = 0x12;
export const ALICE = 1;
export const BOB = 2;
export const CAROL = 3;

/** The decrypted texts of every CID_MSG_DATA in the client's inbox (what nobody waited for yet). */
export function inboxTexts(c: TtClient): string[] {
  return c.inbox.filter((p) => p.header.commandId === Cid.CID_MSG_DATA).map((p) => c.cipher.decryptText(IM.Message.IMMsgData.decode(p.body).msgData));
}

/**
 * Asserts that no `cid` reached the client for a request answered (or not) at once: a heartbeat
 * sent after it is echoed in order, so once the echo is back an immediate reply would be too.
 */
export async function noImmediateReply(c: TtClient, cid: number): Promise<void> {
  const seq = c.heartbeat();
  await c.waitFor(Cid.CID_OTHER_HEARTBEAT, (p) => p.header.seq === seq, 3000);
  assert.equal(c.inbox.some((p) => p.header.commandId === cid), false, `no 0x${cid.toString(16)} for this request`);
}

/** Resolves false if no `cid` arrives within ms (anything that does arrive is left in the inbox). */
export async function nothingArrives(c: TtClient, cid: number, ms = 400): Promise<boolean> {
  return !(await c.receives(cid, ms));
}

/** A short-lived client on one test Redis pool's db (the pools are db numbers on one server). */
export async function redisRun<T>(pool: RedisPool, fn: (r: Redis) => Promise<T>): Promise<T> {
  const { redis } = testDb();
  const r = new Redis({ host: redis.host, port: redis.port, db: redis.dbs[pool], lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

/** Polls until cond() resolves true (db_proxy answers some requests with no reply at all). */
export async function eventually(cond: () => Promise<boolean>, ms = 3000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
