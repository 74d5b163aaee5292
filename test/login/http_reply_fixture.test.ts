// protocol.md §5 and fixture login_http: the HTTP reply is byte-identical to the original's
// (status line, header lines without a space after the colon, jsoncpp-styled JSON, port as a string),
// and the server closes the connection after it.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenario } from '../fixtures/loadFixtures';
import { LoginHarness, PduPeer, splitReply } from './support/loginHarness';
import { msgServerJson } from '../../src/servers/login/httpReply';

let h: LoginHarness;
let captured: PduPeer;
before(async () => { h = await LoginHarness.start(); });
after(() => h.stop());

test('GET /msg_server gets the fixture reply byte for byte, then a close', async () => {
  const entries = loadScenario('login_http').client;
  const req = entries.find((e) => e.dir === 'c2s')!;
  const want = entries.find((e) => e.dir === 's2c')!;
  // The captured msg_server: IpAddr1 = IpAddr2 = 127.0.0.1, ListenPort 8000, nobody logged in yet.
  captured = await h.register({ ip1: '127.0.0.1', ip2: '127.0.0.1', port: 8000, maxConnCnt: 100000, curConnCnt: 0 });
  const got = await h.http(req.bytes); // resolves only once the server closed the connection
  assert.equal(got.toString('utf8'), want.bytes.toString('utf8'));
  assert.equal(got.toString('hex'), want.hex);
});

test('the reply names the chosen msg_server: ip1 first for an IPv4 caller, port as a string, any method, any suffix', async () => {
  await h.register({ ip1: '192.0.2.1', ip2: '198.51.100.2', port: 8123, maxConnCnt: 10, curConnCnt: 0 });
  await h.countUpdate(captured, 1, 42, 1); // the first msg_server is now busier
  const raw = await h.http('POST /msg_server/whatever?x=1 HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc');
  const { head, body } = splitReply(raw);
  assert.match(head, /^HTTP\/1\.1 200 OK\r\nConnection:close\r\nContent-Length:(\d+)\r\nContent-Type:text\/html;charset=utf-8\r\n\r\n$/);
  assert.equal(Number(/Content-Length:(\d+)/.exec(head)![1]), Buffer.byteLength(body));
  assert.deepEqual(Object.keys(JSON.parse(body) as object), ['backupIP', 'code', 'discovery', 'msfsBackup', 'msfsPrior', 'msg', 'port', 'priorIP']);
  assert.deepEqual(JSON.parse(body), {
    backupIP: '198.51.100.2', code: 0, discovery: 'http://127.0.0.1/api/discovery',
    msfsBackup: 'http://127.0.0.1:8700/', msfsPrior: 'http://127.0.0.1:8700/', msg: '', port: '8123', priorIP: '192.0.2.1',
  });
});

test('a caller whose address is not four dot-separated parts gets the two addresses swapped', () => {
  const sel = { code: 0 as const, server: { ip1: 'a.example', ip2: 'b.example', port: 1, maxConnCnt: 2, curConnCnt: 0, hostName: '' } };
  const urls = { msfs: 'm', discovery: 'd' };
  assert.match(msgServerJson(sel, '::1', urls), /"backupIP" : "a\.example"[\s\S]*"priorIP" : "b\.example"/);
  assert.match(msgServerJson(sel, '10.0.0.1', urls), /"backupIP" : "b\.example"[\s\S]*"priorIP" : "a\.example"/);
});

test('long configured URLs are not truncated and Content-Length stays exact', async () => {
  const long = `http://127.0.0.1:8700/${'x'.repeat(1500)}/`;
  const h2 = await LoginHarness.start({ msfs: long });
  try {
    await h2.register({ ip1: '127.0.0.1', ip2: '127.0.0.1', port: 8000, maxConnCnt: 5, curConnCnt: 0 });
    const { head, body } = splitReply(await h2.http('GET /msg_server HTTP/1.1\r\n\r\n'));
    assert.equal(Number(/Content-Length:(\d+)/.exec(head)![1]), Buffer.byteLength(body));
    assert.equal((JSON.parse(body) as Record<string, string>)['msfsPrior'], long);
  } finally {
    await h2.stop();
  }
});
