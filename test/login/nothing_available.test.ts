// servers.md §3.6 / protocol.md §5: no msg_server registered -> code 1, all full -> code 2, with the
// original's exact bodies (49 and 45 bytes); the binary port answers 1 and 2 likewise.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { decodeBody, has } from '../../src/pdu/codec';
import { LoginHarness, splitReply, waitFor } from './support/loginHarness';

let h: LoginHarness;
before(async () => { h = await LoginHarness.start(); });
after(() => h.stop());

async function binaryAnswer(): Promise<IM.Login.IMMsgServRsp> {
  const c = await h.connect('client');
  c.send(Cid.CID_LOGIN_REQ_MSGSERVER, Buffer.alloc(0), { seq: 5 });
  const rsp = await c.next(Cid.CID_LOGIN_RES_MSGSERVER);
  assert.equal(rsp.header.seq, 5);
  await c.closedByServer();
  return decodeBody(IM.Login.IMMsgServRsp, rsp.body);
}

test('no msg_server registered: code 1 "没有msg_server"', async () => {
  const raw = await h.http('GET /msg_server HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  const body = '{\n   "code" : 1,\n   "msg" : "没有msg_server"\n}\n';
  assert.equal(Buffer.byteLength(body), 49);
  assert.equal(raw.toString('utf8'), `HTTP/1.1 200 OK\r\nConnection:close\r\nContent-Length:49\r\nContent-Type:text/html;charset=utf-8\r\n\r\n${body}`);
  const bin = await binaryAnswer();
  assert.equal(bin.resultCode, IM.BaseDefine.ResultType.REFUSE_REASON_NO_MSG_SERVER);
  assert.equal(has(bin, 'priorIp'), false);
  assert.equal(has(bin, 'port'), false);
});

test('every msg_server full: code 2 "负载过高"', async () => {
  const p = await h.register({ ip1: '127.0.0.1', ip2: '127.0.0.1', port: 8000, maxConnCnt: 1, curConnCnt: 0 });
  await h.countUpdate(p, 1, 1, 1);
  await h.register({ ip1: '127.0.0.2', ip2: '127.0.0.2', port: 8001, maxConnCnt: 0, curConnCnt: 0 });
  const { body } = splitReply(await h.http('GET /msg_server HTTP/1.1\r\n\r\n'));
  assert.equal(body, '{\n   "code" : 2,\n   "msg" : "负载过高"\n}\n');
  assert.equal(Buffer.byteLength(body), 45);
  assert.equal((await binaryAnswer()).resultCode, IM.BaseDefine.ResultType.REFUSE_REASON_MSG_SERVER_FULL);

  // A logout frees a slot: the msg_server is offered again.
  await h.countUpdate(p, 2, 1, -1);
  assert.equal((JSON.parse(splitReply(await h.http('GET /msg_server HTTP/1.1\r\n\r\n')).body) as { port: string }).port, '8000');

  // Its link closing removes it at once: back to "full" (only the full one is left).
  p.close();
  await waitFor(() => h.server.registry.size === 1, 'unregistration');
  assert.equal((JSON.parse(splitReply(await h.http('GET /msg_server HTTP/1.1\r\n\r\n')).body) as { code: number }).code, 2);
});
