// servers.md §3.4 hardening: requests over 1024 bytes, garbage and unknown targets are refused with
// a status line and a close; incomplete requests wait (across reads) up to the 60 s idle timeout.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { nowMs } from '../../src/util/clock';
import { LoginHarness, splitReply } from './support/loginHarness';

let h: LoginHarness;
before(async () => {
  h = await LoginHarness.start();
  await h.register({ ip1: '127.0.0.1', ip2: '127.0.0.1', port: 8000, maxConnCnt: 100, curConnCnt: 0 });
});
after(() => h.stop());

const statusLine = (raw: Buffer): string => raw.toString('latin1').split('\r\n', 1)[0]!;

test('a request over 1024 bytes gets 400 and a close', async () => {
  const raw = await h.http(`GET /msg_server HTTP/1.1\r\nX-Pad: ${'a'.repeat(1100)}\r\n\r\n`);
  assert.equal(statusLine(raw), 'HTTP/1.1 400 Bad Request');
});

test('garbage gets 400 and a close, without waiting for the rest', async () => {
  assert.equal(statusLine(await h.http('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n')), 'HTTP/1.1 400 Bad Request');
  assert.equal(statusLine(await h.http('GET /msg_server\r\n\r\n')), 'HTTP/1.1 400 Bad Request');
  assert.equal(statusLine(await h.http('GET /msg_server HTTP/1.1\r\nno colon here\r\n\r\n')), 'HTTP/1.1 400 Bad Request');
  assert.equal(statusLine(await h.http('GET /msg_server HTTP/1.1\r\nContent-Length: -1\r\n\r\n')), 'HTTP/1.1 400 Bad Request');
});

test('another target gets 404 and a close', async () => {
  assert.equal(statusLine(await h.http('GET /msg_serve HTTP/1.1\r\n\r\n')), 'HTTP/1.1 404 Not Found');
  assert.equal(statusLine(await h.http('GET / HTTP/1.1\r\n\r\n')), 'HTTP/1.1 404 Not Found');
});

test('a request arriving in pieces is answered once complete, exactly once', async () => {
  const raw = await h.http(['GE', 'T /msg_server HT', 'TP/1.1\r\nHost: a\r\n', '\r\n', 'GET /msg_server HTTP/1.1\r\n\r\n']);
  const { head, body } = splitReply(raw);
  assert.equal(statusLine(Buffer.from(head)), 'HTTP/1.1 200 OK');
  assert.equal((JSON.parse(body) as { port: string }).port, '8000', 'one reply only: the body is one JSON document');
});

test('a request body announced by Content-Length is waited for', async () => {
  const raw = await h.http(['POST /msg_server HTTP/1.1\r\nContent-Length: 4\r\n\r\nab', 'cd']);
  assert.equal(statusLine(raw), 'HTTP/1.1 200 OK');
});

test('an incomplete request is closed after 60 s of silence, without a reply', async () => {
  const s = net.connect({ host: '127.0.0.1', port: h.server.ports['http']! });
  const got: Buffer[] = [];
  s.on('data', (d: Buffer) => got.push(d));
  const closed = new Promise<void>((r) => s.on('close', () => r()));
  await new Promise<void>((r) => s.on('connect', () => r()));
  s.write('GET /msg_server HTTP/1.1\r\n');
  await new Promise((r) => setTimeout(r, 30));
  h.server.ticker.tick(nowMs() + 30_000);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(s.readyState, 'open', 'still open after 30 s');
  h.server.ticker.tick(nowMs() + 61_000);
  await closed;
  assert.equal(Buffer.concat(got).length, 0);
});
