import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { startDbProxy, Harness } from './support/harness';
import { msgList, recentSessions } from './support/requests';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { MsgCipher } from '../../src/pdu/crypto';
import { sql } from './support/db';

// A stand-in for msfs: stores one multipart upload in memory and serves it back by URL.
const files = new Map<string, Buffer>();
let msfs: http.Server;
let msfsPort = 0;
let h: Harness;

before(async () => {
  msfs = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST') {
        const body = Buffer.concat(chunks);
        const start = body.indexOf('\r\n\r\n') + 4;
        const end = body.lastIndexOf('\r\n--');
        const name = `/g0/${files.size}.audio`;
        files.set(name, body.subarray(start, end));
        res.end(JSON.stringify({ error_code: 0, error_msg: '成功', path: name, url: `http://127.0.0.1:${msfsPort}${name}` }));
      } else {
        const f = files.get(req.url ?? '');
        if (!f) { res.statusCode = 404; res.end(); return; }
        res.setHeader('Content-Length', f.length);
        res.end(f);
      }
    });
  });
  await new Promise<void>((r) => msfs.listen(0, '127.0.0.1', () => r()));
  msfsPort = (msfs.address() as { port: number }).port;
  h = await startDbProxy({ MsfsSite: `http://127.0.0.1:${msfsPort}` });
});
after(async () => {
  await h.close();
  msfs.close();
});

test('audio: the clip goes to msfs, the row holds the IMAudio id, history returns duration + clip, lists show the placeholder', async () => {
  const clip = Buffer.from('OggS-fake-audio-bytes');
  const data = Buffer.concat([Buffer.from([0, 0, 0, 7]), clip]);
  const rsp = await h.link.call(Cid.CID_MSG_DATA, IM.Message.IMMsgData,
    { fromUserId: 1, toSessionId: 2, msgId: 0, createTime: 1795512000, msgType: 2, msgData: data }, Cid.CID_MSG_DATA, IM.Message.IMMsgData);
  assert.equal(rsp.msgId, 1);
  assert.deepEqual(Buffer.from(rsp.msgData), data, 'the reply carries the full clip');
  const [audio] = await sql<{ id: number; size: number; duration: number; path: string }>('SELECT id, size, duration, path FROM IMAudio');
  assert.deepEqual([audio!.size, audio!.duration], [clip.length, 7]);
  const hist = await msgList(h.link, 2, 1, 1, 0, 10);
  assert.deepEqual(Buffer.from(hist.msgList[0]!.msgData), data);
  const sessions = await recentSessions(h.link, 2);
  assert.equal(new MsgCipher().decryptText(Buffer.from(sessions.contactSessionList[0]!.latestMsgData)), '[语音]');
});

test('audio that cannot be stored (msfs down, or 4 bytes or less) answers msg id 0', async () => {
  const short = await h.link.call(Cid.CID_MSG_DATA, IM.Message.IMMsgData,
    { fromUserId: 1, toSessionId: 3, msgId: 0, createTime: 1, msgType: 2, msgData: Buffer.from([0, 0, 0, 1]) }, Cid.CID_MSG_DATA, IM.Message.IMMsgData);
  assert.equal(short.msgId, 0);
  msfs.close();
  msfs.closeAllConnections();
  const down = await h.link.call(Cid.CID_MSG_DATA, IM.Message.IMMsgData,
    { fromUserId: 1, toSessionId: 3, msgId: 0, createTime: 1, msgType: 2, msgData: Buffer.from([0, 0, 0, 1, 9, 9]) }, Cid.CID_MSG_DATA, IM.Message.IMMsgData);
  assert.equal(down.msgId, 0);
});
