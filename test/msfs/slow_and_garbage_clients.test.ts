import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMsfs, rawRequest, get, type Msfs } from './support/msfsHarness';
import { captureLog, until } from '../net/support/transports';

const cap = captureLog();
let m: Msfs;
before(async () => { m = await startMsfs({ HeadersTimeoutMs: 400, IdleTimeoutMs: 1500 }, undefined, { log: cap.log }); });
after(async () => { await m.server.stop(); });

/** Log lines written from now on with this message (and these fields), polled until one appears. */
function logWatch(): (msg: string, fields?: Record<string, unknown>) => Promise<Record<string, unknown>> {
  const from = cap.lines.length;
  return async (msg, fields = {}) => {
    const find = (): Record<string, unknown> | undefined => cap.lines.slice(from).find((l) =>
      l.msg === msg && Object.entries(fields).every(([k, v]) => l[k] === v));
    await until(() => find() !== undefined, 2000, `log line "${msg}" ${JSON.stringify(fields)}`);
    return find()!;
  };
}

test('a client that sends its request head too slowly gets 408 and is disconnected, with a log line', async () => {
  const logged = logWatch();
  const t0 = Date.now();
  // Trickle one header byte every 100 ms: never idle, but the head never completes in time.
  const res = await rawRequest(m.port, 'GET /g0/000/000/x HTTP/1.1\r\nX-Slow: ', 6000, (s) => {
    const iv = setInterval(() => { if (!s.destroyed) s.write('a'); else clearInterval(iv); }, 100);
    s.on('close', () => clearInterval(iv));
  });
  assert.equal(res.timedOut, false, 'the server closed the connection');
  assert.equal(res.status, 408);
  assert.ok(Date.now() - t0 < 4000);
  const line = await logged('bad or slow HTTP request; closing connection', { status: 408 });
  assert.equal(line.code, 'ERR_HTTP_REQUEST_TIMEOUT');
  assert.equal(line.peer, '127.0.0.1');
});

test('a silent connection is closed after the idle timeout, with a log line', async () => {
  const logged = logWatch();
  const t0 = Date.now();
  const res = await rawRequest(m.port, Buffer.alloc(0), 6000);
  assert.equal(res.timedOut, false, 'closed by the server');
  const took = Date.now() - t0;
  assert.ok(took >= 300 && took < 4500, `closed after ${took} ms`);
  // Node may end a connection that never sent a byte through either timer: both are logged.
  const line = await Promise.any([
    logged('idle timeout; closing connection'),
    logged('bad or slow HTTP request; closing connection', { status: 408 }),
  ]);
  assert.equal(line.peer, '127.0.0.1');
});

test('an oversized request head gets 431, with a log line', async () => {
  const logged = logWatch();
  const res = await rawRequest(m.port, `GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  assert.equal(res.status, 431);
  const line = await logged('bad or slow HTTP request; closing connection', { status: 431 });
  assert.equal(line.code, 'HPE_HEADER_OVERFLOW');
});

test('garbage instead of HTTP gets 400 and the connection is closed, with a log line; the server keeps working', async () => {
  const logged = logWatch();
  const res = await rawRequest(m.port, Buffer.from([0x00, 0x00, 0x00, 0x10, 0xff, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a]));
  assert.equal(res.status, 400);
  assert.equal(res.timedOut, false);
  const line = await logged('bad or slow HTTP request; closing connection', { status: 400 });
  assert.match(String(line.code), /^HPE_/);
  const ok = await get(m.port, '/g0/000/000/none.jpg');
  assert.equal(ok.status, 404);
});
