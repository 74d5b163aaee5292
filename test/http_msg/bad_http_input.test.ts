import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, APP_KEY, APP_SECRET, type Rig } from './support/harness';
import { rawHttp, signedPost } from './support/httpClient';
import { scriptDbProxy } from './support/scriptedDbProxy';
import { Cid } from '../../src/pdu/commands';
import { captureLog, until } from '../net/support/transports';

const cap = captureLog();
let rig: Rig;
before(async () => {
  rig = await startRig({ AppKey: APP_KEY, AppSecret: APP_SECRET, MaxRequestBytes: 1024, HeadersTimeoutMs: 300, IdleTimeoutMs: 2000, DbReplyTimeoutMs: 1500 }, { log: cap.log });
  scriptDbProxy(rig.db, { groupId: 11 });
});
after(async () => { await rig.stop(); });

const PARAM = { error_code: 1, error_msg: '参数错误' };
const good = { app_key: APP_KEY, req_user_id: 0, group_name: 'n', group_type: 1, group_avatar: '', user_id_list: [1] };

/**
 * Every refused or closed connection writes one log line naming the peer: this watches the lines
 * written from now on and waits for one with `msg` (and `status`, if given).
 */
function logWatch(): (msg: string, status?: number) => Promise<Record<string, unknown>> {
  const from = cap.lines.length;
  return async (msg, status) => {
    const find = (): Record<string, unknown> | undefined => cap.lines.slice(from).find((l) =>
      l.msg === msg && (status === undefined || l.status === status));
    await until(() => find() !== undefined, 2000, `log line "${msg}" ${status ?? ''}`);
    const line = find()!;
    assert.match(String(line.peer), /^127\.0\.0\.1:\d+$/);
    return line;
  };
}

const BAD = 'bad HTTP request; closing connection';

async function stillServing(): Promise<void> {
  const res = await rawHttp(rig.port, signedPost(APP_SECRET, '/query/CreateGroup', good));
  assert.deepEqual(res.json, { error_code: 0, error_msg: '成功', group_id: 11 });
}

test('garbage instead of a request line gets 400, a closed connection and a log line', async () => {
  const logged = logWatch();
  const res = await rawHttp(rig.port, Buffer.from([0, 0, 0, 16, 0, 1, 0, 0, 7, 1, 0, 0, 0, 0, 0, 0, 13, 10, 13, 10]));
  assert.equal(res.status, 400);
  assert.ok(res.closedByServer);
  const res2 = await rawHttp(rig.port, 'POST /query/CreateGroup HTTP/1.1\r\nbad header line\r\n\r\n');
  assert.equal(res2.status, 400);
  assert.equal((await logged(BAD, 400)).err, 'malformed request line');
  await until(() => cap.lines.some((l) => l.msg === BAD && l.err === 'malformed header line'), 2000, 'header line refusal logged');
  await stillServing();
});

test('a Content-Length over MaxRequestBytes is refused at once with 413, code 1 and a log line', async () => {
  const logged = logWatch();
  const res = await rawHttp(rig.port, 'POST /query/CreateGroup HTTP/1.1\r\nContent-Length: 100000\r\n\r\n', 3000);
  assert.ok(res.closedByServer, 'answered without waiting for the body');
  assert.equal(res.status, 413);
  assert.deepEqual(res.json, PARAM);
  assert.match(String((await logged(BAD, 413)).err), /over 1024/);
});

test('a request head over 8 KiB is 431; chunked bodies are 411; bad Content-Length is 400; each logged', async () => {
  const logged = logWatch();
  const big = await rawHttp(rig.port, `POST /query/CreateGroup HTTP/1.1\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`);
  assert.equal(big.status, 431);
  const chunked = await rawHttp(rig.port, 'POST /query/CreateGroup HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
  assert.equal(chunked.status, 411);
  const badLen = await rawHttp(rig.port, 'POST /query/CreateGroup HTTP/1.1\r\nContent-Length: -5\r\n\r\n');
  assert.equal(badLen.status, 400);
  const twoLens = await rawHttp(rig.port, 'POST /query/CreateGroup HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}');
  assert.equal(twoLens.status, 400);
  // One log line per refused connection, each with its status.
  for (const status of [431, 411]) await logged(BAD, status);
  await until(() => cap.lines.filter((l) => l.msg === BAD && l.status === 400 && /Content-Length/.test(String(l.err))).length >= 2, 2000, 'both Content-Length refusals logged');
});

test('a client too slow with its request head gets 408, is disconnected, and is logged', async () => {
  const logged = logWatch();
  const t0 = Date.now();
  const res = await rawHttp(rig.port, 'POST /query/CreateGroup HTTP/1.1\r\nX-Slow: a', 5000, (s) => {
    const iv = setInterval(() => (s.destroyed ? clearInterval(iv) : s.write('a')), 100);
    s.on('close', () => clearInterval(iv));
  });
  assert.ok(res.closedByServer);
  assert.equal(res.status, 408);
  assert.ok(Date.now() - t0 < 3500);
  await logged('request head not complete in time; closing connection');
});

test('a client that leaves while db_proxy works does not disturb the server', async () => {
  scriptDbProxy(rig.db, { silent: true });
  const before = rig.db.count(Cid.CID_GROUP_CREATE_REQUEST);
  await rawHttp(rig.port, signedPost(APP_SECRET, '/query/CreateGroup', { ...good, group_name: 'leaver' }), 150);
  assert.equal(rig.db.count(Cid.CID_GROUP_CREATE_REQUEST), before + 1);
  scriptDbProxy(rig.db, { groupId: 11 });
  await stillServing();
});

test('a body split across many reads and Expect: 100-continue are handled', async () => {
  const req = signedPost(APP_SECRET, '/query/CreateGroup', { ...good, group_name: 'split' });
  const headEnd = req.indexOf('\r\n\r\n');
  const withExpect = Buffer.concat([req.subarray(0, headEnd), Buffer.from('\r\nExpect: 100-continue'), req.subarray(headEnd)]);
  const head = withExpect.subarray(0, withExpect.indexOf('\r\n\r\n') + 4);
  const body = withExpect.subarray(head.length);
  const res = await rawHttp(rig.port, head, 3000, (s) => {
    let i = 0;
    const iv = setInterval(() => {
      if (i >= body.length || s.destroyed) { clearInterval(iv); return; }
      s.write(body.subarray(i, i + 7)); i += 7;
    }, 5);
  });
  assert.ok(res.raw.toString('latin1').startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n'));
  const json = JSON.parse(res.raw.toString('utf8').split('\r\n\r\n')[2]!) as Record<string, unknown>;
  assert.deepEqual(json, { error_code: 0, error_msg: '成功', group_id: 11 });
});

test('an idle connection is closed after IdleTimeoutMs, even once the head is complete, with a log line', async () => {
  const logged = logWatch();
  const t0 = Date.now();
  // Head complete, body promised but never sent.
  const res = await rawHttp(rig.port, 'POST /query/CreateGroup HTTP/1.1\r\nContent-Length: 50\r\n\r\n{', 6000);
  assert.ok(res.closedByServer);
  assert.equal(res.raw.length, 0, 'closed without a response, as the original');
  assert.ok(Date.now() - t0 >= 1900);
  await logged('idle timeout; closing connection');
});

test('a garbage frame from db_proxy drops only that link, which reconnects', async () => {
  const sock = [...rig.db.sockets][0]!;
  sock.write(Buffer.from([0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(rig.server.db.hasOpen(), false);
  // Reconnect after the back-off (2 ticks after a break with the threshold doubled: tick by hand).
  const now = Date.now();
  for (let i = 1; i <= 8 && !rig.server.db.hasOpen(); i++) {
    rig.server.ticker.tick(now + i * 1000);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(rig.server.db.hasOpen(), 'db_proxy link reconnected');
  await stillServing();
});
