import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDbProxy, Harness } from './support/harness';
import { ThrowawayMariaDb, ThrowawayRedis } from './support/throwaway';
import { Traffic } from './support/traffic';
import { allSingleRows, assertAckedStored, StoredRow } from './support/storedMessages';

// Redis crashes, then MariaDB restarts, each during steady message traffic. Both run as dedicated
// instances (own data under var/, own ports) so the shared test instances are never restarted and
// no other test can change the data under us.
let db: ThrowawayMariaDb | undefined;
let redis: ThrowawayRedis | undefined;
let h: Harness | undefined;

before(async () => {
  [db, redis] = await Promise.all([ThrowawayMariaDb.start(), ThrowawayRedis.start()]);
  const overrides: Record<string, number | string> = { MysqlAcquireTimeoutMs: 2000, RedisCommandTimeoutMs: 1000 };
  for (const pool of ['teamtalk_master', 'teamtalk_slave']) {
    overrides[`${pool}_host`] = '127.0.0.1';
    overrides[`${pool}_port`] = db.port;
    overrides[`${pool}_dbname`] = ThrowawayMariaDb.database;
    overrides[`${pool}_username`] = ThrowawayMariaDb.user;
    overrides[`${pool}_password`] = ThrowawayMariaDb.password;
  }
  for (const role of ['unread', 'group_set', 'token', 'sync', 'group_member']) {
    overrides[`${role}_host`] = '127.0.0.1';
    overrides[`${role}_port`] = redis.port;
  }
  h = await startDbProxy(overrides, { reset: false });
});

after(async () => {
  await h?.close();
  await Promise.all([db?.destroy(), redis?.destroy()]);
});

/** Three conversations, each on its own link, through an outage made by `outage`. */
async function trafficThrough(tag: string, outage: () => Promise<void>, settleMs: number): Promise<void> {
  const links = [await h!.connect(), await h!.connect(), await h!.connect()];
  const traffic = [new Traffic(links[0]!, 1, 2, tag), new Traffic(links[1]!, 2, 3, tag), new Traffic(links[2]!, 3, 1, tag)];
  await new Promise((r) => setTimeout(r, 1500));
  const before = traffic.reduce((n, t) => n + t.acked.length, 0);
  await outage();
  const restartedAt = traffic.map((t) => t.acked.length);
  await new Promise((r) => setTimeout(r, settleMs));
  for (const t of traffic) await t.stop();
  for (const l of links) l.close();

  assert.ok(before > 10, `traffic before the outage: ${before} acks`);
  traffic.forEach((t, i) => assert.ok(t.acked.length > restartedAt[i]! + 5, `link ${i} did not recover: ${t.acked.length - restartedAt[i]!} acks after the restart`));
  assert.equal(traffic.reduce((n, t) => n + t.timeouts, 0), 0, 'every request got an answer (msg id 0 at worst)');
  const rows = await allSingleRows((sql) => db!.query<StoredRow>(sql));
  assertAckedStored(traffic.flatMap((t) => t.acked), rows.filter((r) => r.content.startsWith(`${tag}-`)));
  // ids stay unique across the whole conversation, earlier traffic included
  assertAckedStored([], rows);
}

test('Redis crash (SIGKILL, last second of AOF lost): recovers by itself, acked messages stored once, no msg id reused', { timeout: 60_000 }, async () => {
  await trafficThrough('redis', async () => {
    await redis!.crash();
    await new Promise((r) => setTimeout(r, 1000));
    await redis!.startAgain();
  }, 3000);
});

test('MariaDB restart: recovers by itself and every acked message is in the database', { timeout: 90_000 }, async () => {
  await trafficThrough('mysql', () => db!.restart(1000), 4000);
});
