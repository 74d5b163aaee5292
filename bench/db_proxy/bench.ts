/**
 * db_proxy benchmark: CID_MSG_DATA stores per second with p50/p99 latency at 1, 8 and 64 concurrent
 * links (each link one conversation, one request in flight, like msg_server waiting for its ack),
 * then CID_MSG_LIST_REQUEST reads per second with p50/p99 (on conversations the read phase seeds
 * itself, so any --levels works). Runs against dedicated MariaDB and Redis instances
 * under var/ (so it never disturbs anyone's tests) and db_proxy in its own process.
 *
 *   node dist/bench/db_proxy/bench.js [--seconds 5] [--levels 1,8,64] [--threads 2]
 */
import { fork, ChildProcess } from 'node:child_process';
import { writeTestConf } from '../../test/helpers';
import { ThrowawayMariaDb, ThrowawayRedis } from '../../test/db_proxy/support/throwaway';
import { LinkClient } from '../../test/db_proxy/support/LinkClient';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { encodeFrame } from '../../src/pdu/Pdu';
import { encodeBody } from '../../src/pdu/codec';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

if (process.argv[2] === '--serve') {
  // Child: run db_proxy and report its port.
  void (async () => {
    const { start } = await import('../../src/servers/db_proxy');
    const server = await start({ confPath: process.argv[3]! });
    process.send!({ port: server.ports.ListenPort });
    process.on('message', () => void server.stop().then(() => process.exit(0)));
  })();
} else {
  void main().catch((err) => { console.error(err); process.exit(1); });
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0;
}

/** Closed loop on one link: send, wait for the answer, repeat until the deadline. */
async function loop(link: LinkClient, cid: number, rspCid: number, frameFor: (seq: number) => Buffer, until: number, lat: number[], check: (body: Buffer) => boolean): Promise<number> {
  let n = 0;
  let seq = 0;
  let bad = 0;
  while (Date.now() < until) {
    seq = (seq % 65535) + 1;
    const t0 = process.hrtime.bigint();
    const p = link.wait(rspCid, seq, 30_000);
    link.sendRaw(frameFor(seq));
    const f = await p;
    lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (check(f.body)) n++; else bad++;
  }
  if (bad) console.log(`  (${bad} answers were failures)`);
  return n;
}

async function main(): Promise<void> {
  const seconds = Number(arg('seconds', '5'));
  const levels = arg('levels', '1,8,64').split(',').map(Number);
  const threads = arg('threads', '2');
  console.log(`db_proxy bench: ${seconds} s per level, ThreadNum ${threads}; starting private MariaDB and Redis ...`);
  const [db, redis] = await Promise.all([ThrowawayMariaDb.start(), ThrowawayRedis.start()]);
  let child: ChildProcess | undefined;
  try {
    const o: Record<string, string | number> = { ThreadNum: threads };
    for (const pool of ['teamtalk_master', 'teamtalk_slave']) {
      Object.assign(o, { [`${pool}_host`]: '127.0.0.1', [`${pool}_port`]: db.port, [`${pool}_dbname`]: ThrowawayMariaDb.database,
        [`${pool}_username`]: ThrowawayMariaDb.user, [`${pool}_password`]: ThrowawayMariaDb.password });
    }
    for (const role of ['unread', 'group_set', 'token', 'sync', 'group_member']) Object.assign(o, { [`${role}_host`]: '127.0.0.1', [`${role}_port`]: redis.port });
    const conf = writeTestConf('db_proxy', o);
    child = fork(__filename, ['--serve', conf], { env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } });
    const port = await new Promise<number>((resolve) => child!.once('message', (m: { port: number }) => resolve(m.port)));

    const text = Buffer.from('UW8zR1ZpcFo3S0FLc3ZyMnRCSEtGUT09'); // a typical 16-byte-plaintext cipher text
    const okMsg = (b: Buffer): boolean => IM.Message.IMMsgData.decode(b).msgId > 0;
    console.log('\nCID_MSG_DATA stores (one request in flight per link, each link its own conversation):');
    console.log('links  msgs/s   p50 ms   p99 ms   total');
    for (const c of levels) {
      const links = await Promise.all(Array.from({ length: c }, () => LinkClient.connect(port)));
      // warm-up: relations and sessions exist after the first message of each pair
      const lat: number[] = [];
      await Promise.all(links.map((l, i) => loop(l, Cid.CID_MSG_DATA, Cid.CID_MSG_DATA, (seq) => msgFrame(10_000 + c * 100 + i, 20_000 + c * 100 + i, text, seq), Date.now() + 300, [], okMsg)));
      const t0 = Date.now();
      const counts = await Promise.all(links.map((l, i) => loop(l, Cid.CID_MSG_DATA, Cid.CID_MSG_DATA,
        (seq) => msgFrame(10_000 + c * 100 + i, 20_000 + c * 100 + i, text, seq), t0 + seconds * 1000, lat, okMsg)));
      const secs = (Date.now() - t0) / 1000;
      const total = counts.reduce((a, b) => a + b, 0);
      lat.sort((a, b) => a - b);
      console.log(`${String(c).padStart(5)}  ${(total / secs).toFixed(0).padStart(6)}  ${pct(lat, 0.5).toFixed(2).padStart(7)}  ${pct(lat, 0.99).toFixed(2).padStart(7)}  ${String(total).padStart(6)}`);
      for (const l of links) l.close();
    }

    console.log(`\nCID_MSG_LIST_REQUEST reads (${READ_COUNT} newest messages of a conversation, ${READ_LINKS} links):`);
    const links = await Promise.all(Array.from({ length: READ_LINKS }, () => LinkClient.connect(port)));
    // Each link reads its own conversation, seeded here so the phase does not depend on --levels.
    await Promise.all(links.map((l, i) => seed(l, READ_FROM + i, READ_TO + i, text, READ_SEED)));
    const lat: number[] = [];
    const okList = (b: Buffer): boolean => IM.Message.IMGetMsgListRsp.decode(b).msgList.length === READ_COUNT;
    const t0 = Date.now();
    const counts = await Promise.all(links.map((l, i) => loop(l, Cid.CID_MSG_LIST_REQUEST, Cid.CID_MSG_LIST_RESPONSE,
      (seq) => encodeFrame(Cid.CID_MSG_LIST_REQUEST, encodeBody(IM.Message.IMGetMsgListReq, { userId: READ_FROM + i, sessionType: 1, sessionId: READ_TO + i, msgIdBegin: 0, msgCnt: READ_COUNT }), { seq }),
      t0 + seconds * 1000, lat, okList)));
    const secs = (Date.now() - t0) / 1000;
    const total = counts.reduce((a, b) => a + b, 0);
    lat.sort((a, b) => a - b);
    console.log(`links  reads/s   p50 ms   p99 ms   total`);
    console.log(`${String(READ_LINKS).padStart(5)}  ${(total / secs).toFixed(0).padStart(7)}  ${pct(lat, 0.5).toFixed(2).padStart(7)}  ${pct(lat, 0.99).toFixed(2).padStart(7)}  ${String(total).padStart(6)}`);
    for (const l of links) l.close();
  } finally {
    if (child) {
      child.send('stop');
      await new Promise((r) => child!.once('exit', r));
    }
    await Promise.all([db.destroy(), redis.destroy()]);
  }
}

/**
 * The read phase's conversations: user ids of their own (the store phase uses 10_000 + levels*100
 * + i and 20_000 + ...), READ_SEED messages each so every read returns a full READ_COUNT page.
 */
const READ_LINKS = 8;
const READ_COUNT = 20;
const READ_SEED = 25;
const READ_FROM = 30_000;
const READ_TO = 40_000;

/** Store `n` messages from -> to, one at a time; throws if one is not stored. */
async function seed(link: LinkClient, from: number, to: number, data: Buffer, n: number): Promise<void> {
  for (let k = 0; k < n; k++) {
    const seq = k + 1;
    const p = link.wait(Cid.CID_MSG_DATA, seq, 30_000);
    link.sendRaw(msgFrame(from, to, data, seq));
    if (IM.Message.IMMsgData.decode((await p).body).msgId <= 0) throw new Error(`seeding ${from}->${to}: message ${k} not stored`);
  }
}

function msgFrame(from: number, to: number, data: Buffer, seq: number): Buffer {
  return encodeFrame(Cid.CID_MSG_DATA, encodeBody(IM.Message.IMMsgData, {
    fromUserId: from, toSessionId: to, msgId: 0, createTime: Math.floor(Date.now() / 1000), msgType: 1, msgData: data,
    attachData: Buffer.from('000000010000001000000000', 'hex'),
  }), { seq });
}
