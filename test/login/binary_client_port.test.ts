// servers.md §3.5: CID_LOGIN_REQ_MSGSERVER on ClientPort is answered with IMMsgServRsp (request's
// seq) and the connection closed. The original never answered (Original bug, fixed here).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { decodeBody, encodeBody } from '../../src/pdu/codec';
import { nowMs } from '../../src/util/clock';
import { LoginHarness, waitFor } from './support/loginHarness';

let h: LoginHarness;
before(async () => {
  h = await LoginHarness.start();
  await h.register({ ip1: '127.0.0.9', ip2: '127.0.0.10', port: 8000, maxConnCnt: 100, curConnCnt: 3 });
});
after(() => h.stop());

test('the request is answered with the chosen msg_server and the request seq, then closed', async () => {
  const c = await h.connect('client');
  // Android-style header values (protocol.md §1.2) must be accepted.
  c.send(Cid.CID_LOGIN_REQ_MSGSERVER, encodeBody(IM.Login.IMMsgServReq, {}), { seq: 31000, version: 6, reserved: 0x30 });
  const rsp = await c.next(Cid.CID_LOGIN_RES_MSGSERVER);
  assert.equal(rsp.header.seq, 31000);
  assert.equal(rsp.header.serviceId, 1);
  assert.deepEqual(decodeBody(IM.Login.IMMsgServRsp, rsp.body).toJSON(), { resultCode: 'REFUSE_REASON_NONE', priorIp: '127.0.0.9', backipIp: '127.0.0.10', port: 8000 });
  await c.closedByServer();
});

test('the msg_server port answers the same request too (as the original did)', async () => {
  const c = await h.connect('msgServer');
  c.send(Cid.CID_LOGIN_REQ_MSGSERVER, Buffer.alloc(0), { seq: 2 });
  assert.equal(decodeBody(IM.Login.IMMsgServRsp, (await c.next(Cid.CID_LOGIN_RES_MSGSERVER)).body).port, 8000);
  await c.closedByServer();
});

test('a client may not register as a msg_server: closed, registry unchanged', async () => {
  const c = await h.connect('client');
  c.send(Cid.CID_OTHER_MSG_SERV_INFO, encodeBody(IM.Server.IMMsgServInfo, { ip1: 'evil', ip2: 'evil', port: 1, maxConnCnt: 9, curConnCnt: 0, hostName: 'x' }));
  await c.closedByServer();
  assert.equal(h.server.registry.size, 1);
});

test('garbage on the client port closes that connection only', async () => {
  const c = await h.connect('client');
  c.sendRaw(Buffer.from('0000000500010000', 'hex'));
  c.sendRaw(Buffer.from('0001000000000000', 'hex'));
  await c.closedByServer();
  const ok = await h.connect('client');
  ok.send(Cid.CID_LOGIN_REQ_MSGSERVER, Buffer.alloc(0), { seq: 1 });
  assert.equal((await ok.next(Cid.CID_LOGIN_RES_MSGSERVER)).header.seq, 1);
});

test('a silent client connection is closed after 120 s', async () => {
  const members = h.server.ticker.size;
  const c = await h.connect('client');
  await waitFor(() => h.server.ticker.size === members + 1, 'accept');
  h.server.ticker.tick(nowMs() + 60_000);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(c.isEnded, false, 'still open after 60 s');
  h.server.ticker.tick(nowMs() + 121_000);
  await c.closedByServer();
});
