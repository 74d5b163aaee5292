import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { wirePassword } from '../../src/pdu/crypto';
import { startDbProxy, Harness } from './support/harness';
import { LinkClient, nextSeq } from './support/LinkClient';
import { ThrowawayMariaDb, ThrowawayRedis } from './support/throwaway';
import { Traffic, Sent } from './support/traffic';
import { allSingleRows, assertAckedStored, StoredRow } from './support/storedMessages';

// Redis crashes, MariaDB restarts (clean and SIGKILL), and MariaDB hangs, each during message traffic. Both run as
// dedicated instances (own data under var/, own ports) so the shared test instances are never
// restarted and no other test can change the data under us.
let db: ThrowawayMariaDb | undefined;
let redis: ThrowawayRedis | undefined;
let h: Harness | undefined;

/** Short bounds so the outages' error replies come quickly (production defaults: 5 s, 3 s, 10 s). */
const ACQUIRE_TIMEOUT_MS = 2000;
const REDIS_TIMEOUT_MS = 1000;
const STATEMENT_TIMEOUT_MS = 2000;
/** Slack for scheduling on a shared 2-core machine, on top of the configured bounds. */
const MARGIN_MS = 2000;

before(async () => {
  [db, redis] = await Promise.all([ThrowawayMariaDb.start(), ThrowawayRedis.start()]);
  const overrides: Record<string, number | string> = {
    MysqlAcquireTimeoutMs: ACQUIRE_TIMEOUT_MS, RedisCommandTimeoutMs: REDIS_TIMEOUT_MS, MysqlStatementTimeoutMs: STATEMENT_TIMEOUT_MS,
  };
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

/**
 * While a backend is down, the commands that are not message stores must still answer: a login
 * validate, a history request and a recent-session request, each within `boundMs` (they run
 * concurrently). Returns the validate result code (0 ok, 2 internal error).
 */
async function othersAnswer(link: LinkClient, boundMs: number): Promise<number> {
  const timed = async <R>(what: string, p: Promise<R>): Promise<R> => {
    const t0 = Date.now();
    const r = await p.catch((err: Error) => assert.fail(`${what}: ${err.message}`));
    assert.ok(Date.now() - t0 <= boundMs, `${what} answered after ${Date.now() - t0} ms (bound ${boundMs} ms)`);
    return r;
  };
  const [login, history, recent] = await Promise.all([
    timed('validate', link.call(Cid.CID_OTHER_VALIDATE_REQ, IM.Server.IMValidateReq, { userName: 'alice', password: wirePassword('123456') },
      Cid.CID_OTHER_VALIDATE_RSP, IM.Server.IMValidateRsp, nextSeq(), boundMs)),
    timed('history', link.call(Cid.CID_MSG_LIST_REQUEST, IM.Message.IMGetMsgListReq, { userId: 1, sessionType: 1, sessionId: 2, msgIdBegin: 0, msgCnt: 10 },
      Cid.CID_MSG_LIST_RESPONSE, IM.Message.IMGetMsgListRsp, nextSeq(), boundMs)),
    timed('recent sessions', link.call(Cid.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST, IM.Buddy.IMRecentContactSessionReq, { userId: 1, latestUpdateTime: 0 },
      Cid.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_RESPONSE, IM.Buddy.IMRecentContactSessionRsp, nextSeq(), boundMs)),
  ]);
  assert.equal(history.sessionId, 2);
  assert.equal(recent.userId, 1);
  return login.resultCode;
}

interface Outage {
  down(): Promise<void>;
  up(): Promise<void>;
  /** Validate's result code while down: 2 when MySQL is gone, 0 when only Redis is. */
  validateCode: number;
  /** How long the other commands may take to answer while down. */
  boundMs: number;
}

/** Three conversations, each on its own link, through an outage; a fourth link probes other commands while it lasts. */
async function trafficThrough(tag: string, outage: Outage, settleMs: number): Promise<void> {
  const links = [await h!.connect(), await h!.connect(), await h!.connect()];
  const probe = await h!.connect();
  const traffic = [new Traffic(links[0]!, 1, 2, tag), new Traffic(links[1]!, 2, 3, tag), new Traffic(links[2]!, 3, 1, tag)];
  await new Promise((r) => setTimeout(r, 1500));
  const before = traffic.reduce((n, t) => n + t.acked.length, 0);
  await outage.down();
  try {
    assert.equal(await othersAnswer(probe, outage.boundMs), outage.validateCode, 'validate result code during the outage');
  } finally {
    await outage.up();
  }
  const restartedAt = traffic.map((t) => t.acked.length);
  await new Promise((r) => setTimeout(r, settleMs));
  for (const t of traffic) await t.stop();
  for (const l of [...links, probe]) l.close();

  assert.ok(before > 10, `traffic before the outage: ${before} acks`);
  traffic.forEach((t, i) => assert.ok(t.acked.length > restartedAt[i]! + 5, `link ${i} did not recover: ${t.acked.length - restartedAt[i]!} acks after the restart`));
  assert.equal(traffic.reduce((n, t) => n + t.timeouts, 0), 0, 'every request got an answer (msg id 0 at worst)');
  const rows = await allSingleRows((sql) => db!.query<StoredRow>(sql));
  assertAckedStored(traffic.flatMap((t) => t.acked), rows.filter((r) => r.content.startsWith(`${tag}-`)));
  // ids stay unique across the whole conversation, earlier traffic included
  assertAckedStored([], rows);
}

test('Redis crash (SIGKILL, last second of AOF lost): other commands answer meanwhile; recovers by itself, acked messages stored once, no msg id reused', { timeout: 60_000 }, async () => {
  await trafficThrough('redis', {
    down: () => redis!.crash(),
    up: () => redis!.startAgain(),
    validateCode: 0, // login needs only MySQL
    boundMs: REDIS_TIMEOUT_MS + MARGIN_MS,
  }, 3000);
});

test('MariaDB restart: other commands answer meanwhile; recovers by itself and every acked message is in the database', { timeout: 90_000 }, async () => {
  await trafficThrough('mysql', {
    down: () => db!.stop(),
    up: () => db!.startAgain(),
    validateCode: 2,
    boundMs: ACQUIRE_TIMEOUT_MS + MARGIN_MS,
  }, 4000);
});

test('MariaDB crash (SIGKILL during traffic): other commands answer meanwhile; recovers by itself, acked messages stored once, no msg id reused', { timeout: 90_000 }, async () => {
  await trafficThrough('mysqlkill', {
    down: () => db!.kill(),
    up: () => db!.startAgain(),
    validateCode: 2,
    boundMs: ACQUIRE_TIMEOUT_MS + MARGIN_MS,
  }, 4000);
});

function store(link: LinkClient, content: string, ms: number): Promise<IM.Message.IMMsgData> {
  return link.call(Cid.CID_MSG_DATA, IM.Message.IMMsgData, {
    fromUserId: 1, toSessionId: 2, msgId: 0, createTime: Math.floor(Date.now() / 1000), msgType: 1, msgData: Buffer.from(content),
  }, Cid.CID_MSG_DATA, IM.Message.IMMsgData, nextSeq(), ms);
}

test('MariaDB hung (SIGSTOP): a message store answers msg_id 0 after the statement timeout, other commands answer, and it recovers after SIGCONT', { timeout: 60_000 }, async () => {
  const link = await h!.connect();
  const probe = await h!.connect();
  // Warm: the conversation's relation and sessions are cached, its statements prepared.
  assert.ok((await store(link, 'stall-warm', 5000)).msgId > 0);
  // A hung statement may wait in a pool slot behind the acquire timeout before its own timer runs.
  const bound = STATEMENT_TIMEOUT_MS + ACQUIRE_TIMEOUT_MS + MARGIN_MS;
  db!.pause();
  let hungMs: number;
  try {
    const t0 = Date.now();
    const [hung, validateCode] = await Promise.all([
      store(link, 'stall-hung', bound).then((r) => { hungMs = Date.now() - t0; return r; }),
      othersAnswer(probe, bound),
    ]);
    assert.equal(hung.msgId, 0, 'not known to be stored: msg_id 0, not silence');
    // It was the hung server that held the answer back, not some fast failure.
    assert.ok(hungMs! >= STATEMENT_TIMEOUT_MS - 100, `store answered after ${hungMs!} ms, before the statement timeout`);
    assert.equal(validateCode, 2, 'validate on a hung database: internal error, not "wrong password"');
  } finally {
    db!.resume();
  }
  // Recovery by itself: the timed-out connections were dropped, new ones work.
  const t1 = Date.now();
  let ok: Sent | undefined;
  for (let i = 0; !ok && Date.now() - t1 < 10_000; i++) {
    const content = `stall-after-${i}`;
    const r = await store(link, content, bound);
    if (r.msgId > 0) ok = { from: 1, to: 2, content, msgId: r.msgId };
    else await new Promise((res) => setTimeout(res, 200));
  }
  assert.ok(ok, 'no message stored within 10 s of SIGCONT');
  assert.equal((await othersAnswer(probe, MARGIN_MS)), 0, 'login works again');
  link.close();
  probe.close();
  const rows = await allSingleRows((sql) => db!.query<StoredRow>(sql));
  assertAckedStored([ok], rows);
  // The hung INSERT may still have been applied after SIGCONT: its id was never handed out again.
  assertAckedStored([], rows);
});
