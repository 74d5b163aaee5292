import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMsfs, rawRequest, get, type Msfs } from './support/msfsHarness';

let m: Msfs;
before(async () => { m = await startMsfs({ HeadersTimeoutMs: 400, IdleTimeoutMs: 1500 }); });
after(async () => { await m.server.stop(); });

test('a client that sends its request head too slowly gets 408 and is disconnected', async () => {
  const t0 = Date.now();
  // Trickle one header byte every 100 ms: never idle, but the head never completes in time.
  const res = await rawRequest(m.port, 'GET /g0/000/000/x HTTP/1.1\r\nX-Slow: ', 6000, (s) => {
    const iv = setInterval(() => { if (!s.destroyed) s.write('a'); else clearInterval(iv); }, 100);
    s.on('close', () => clearInterval(iv));
  });
  assert.equal(res.timedOut, false, 'the server closed the connection');
  assert.equal(res.status, 408);
  assert.ok(Date.now() - t0 < 4000);
});

test('a silent connection is closed after the idle timeout', async () => {
  const t0 = Date.now();
  const res = await rawRequest(m.port, Buffer.alloc(0), 6000);
  assert.equal(res.timedOut, false, 'closed by the server');
  const took = Date.now() - t0;
  assert.ok(took >= 300 && took < 4500, `closed after ${took} ms`);
});

test('an oversized request head gets 431', async () => {
  const res = await rawRequest(m.port, `GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  assert.equal(res.status, 431);
});

test('garbage instead of HTTP gets 400 and the connection is closed; the server keeps working', async () => {
  const res = await rawRequest(m.port, Buffer.from([0x00, 0x00, 0x00, 0x10, 0xff, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a]));
  assert.equal(res.status, 400);
  assert.equal(res.timedOut, false);
  const ok = await get(m.port, '/g0/000/000/none.jpg');
  assert.equal(ok.status, 404);
});
