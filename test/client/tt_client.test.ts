// The scripted client against a bare socket server: frames split across reads and several frames
// in one read are both reassembled, replies are matched by seq, and waits time out and fail on close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { TtClient } from '../../src/client/TtClient';
import { encodeFrame } from '../../src/pdu/Pdu';
import { encodeBody } from '../../src/pdu/codec';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';

async function serverThat(onConn: (s: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets: net.Socket[] = [];
  const srv = net.createServer((s) => { sockets.push(s); s.on('error', () => undefined); onConn(s); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () => { for (const s of sockets) s.destroy(); return new Promise<void>((r) => srv.close(() => r())); },
  };
}

test('a reply split byte by byte and two PDUs in one write are both received whole', async () => {
  const time = encodeFrame(Cid.CID_MSG_TIME_RESPONSE, encodeBody(IM.Message.IMClientTimeRsp, { serverTime: 1234 }), { seq: 1 });
  const notify = encodeFrame(Cid.CID_BUDDY_LIST_STATUS_NOTIFY, encodeBody(IM.Buddy.IMUserStatNotify, { userStat: { userId: 9, status: 1 } }));
  const srv = await serverThat((s) => {
    s.once('data', async () => {
      for (const b of time) { s.write(Buffer.from([b])); await new Promise((r) => setImmediate(r)); }
      s.write(Buffer.concat([notify, notify]));
    });
  });
  const c = await TtClient.connect('127.0.0.1', srv.port);
  try {
    const { msg, pdu } = await c.request(Cid.CID_MSG_TIME_REQUEST, IM.Message.IMClientTimeReq, {}, Cid.CID_MSG_TIME_RESPONSE, IM.Message.IMClientTimeRsp);
    assert.equal(msg.serverTime, 1234);
    assert.equal(pdu.header.seq, 1);
    const a = await c.waitMsg(Cid.CID_BUDDY_LIST_STATUS_NOTIFY, IM.Buddy.IMUserStatNotify);
    const b = await c.waitMsg(Cid.CID_BUDDY_LIST_STATUS_NOTIFY, IM.Buddy.IMUserStatNotify);
    assert.equal(a.msg.userStat.userId, 9);
    assert.equal(b.msg.userStat.userId, 9);
    assert.equal(c.inbox.length, 0);
  } finally {
    await c.close();
    await srv.close();
  }
});

test('a wait times out when nothing comes, and fails at once when the server closes', async () => {
  const srv = await serverThat((s) => { s.once('data', () => s.end()); });
  const c = await TtClient.connect('127.0.0.1', srv.port);
  try {
    await assert.rejects(c.waitFor(Cid.CID_MSG_DATA, () => true, 100), /timeout/);
    const pending = c.waitFor(Cid.CID_MSG_DATA, () => true, 5000);
    c.heartbeat();
    await assert.rejects(pending, /closed/);
  } finally {
    await c.close();
    await srv.close();
  }
});

test('seq numbers count up from the first one, skip 0 and wrap at 16 bits', async () => {
  const srv = await serverThat(() => undefined);
  const c = await TtClient.connect('127.0.0.1', srv.port, { firstSeq: 0xfffe });
  try {
    assert.deepEqual([c.nextSeq(), c.nextSeq(), c.nextSeq()], [0xfffe, 0xffff, 1]);
  } finally {
    await c.close();
    await srv.close();
  }
});

test('text is encrypted like the shipped clients (protocol.md §4.2 vector)', async () => {
  const srv = await serverThat(() => undefined);
  const c = await TtClient.connect('127.0.0.1', srv.port);
  try {
    assert.equal(c.cipher.encrypt('hello').toString('latin1'), 'nnZSBwfPCz60q69ddmfIJA==');
  } finally {
    await c.close();
    await srv.close();
  }
});
