import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { decodeBody, encodeBody } from '../../src/pdu/codec';
import { start } from '../../src/servers/push/index';
import { writeTestConf } from '../helpers';
import { PduClient } from '../file/support/PduClient';
import { tempDir } from './support';

const IOS_TOKEN = 'c3'.repeat(32);
const ANDROID_TOKEN = 'android-registration-token-0123456789';

test('without credentials push_server still listens, answers one result per token and records every push', { timeout: 20_000 }, async () => {
  const dir = tempDir('tt-push-log-');
  const logPath = path.join(dir, 'push.jsonl');
  const server = await start({ confPath: writeTestConf('push', { PushLogPath: logPath }) });
  const link = await PduClient.connect(server.ports.msg!);
  try {
    // A heartbeat comes back at once with exactly its bytes (the original lagged one interval).
    const hb = Buffer.from('00000010000d0000000707010005002a', 'hex');
    link.writeRaw(hb);
    const echo = await link.next(Cid.CID_OTHER_HEARTBEAT, 2000);
    assert.deepEqual([echo.header.version, echo.header.seq, echo.header.reserved, echo.body.length], [13, 5, 42, 0]);

    link.send(Cid.CID_OTHER_PUSH_TO_USER_REQ, encodeBody(IM.Server.IMPushToUserReq, {
      flash: 'Alice:hi',
      data: '{\n\t"from_id": 1,\n\t"msg_type": 1 \n} \n',
      userTokenList: [
        { userId: 2, userType: 17, token: IOS_TOKEN, pushCount: 4, pushType: 1 },
        { userId: 3, userType: 18, token: ANDROID_TOKEN, pushCount: 9, pushType: 2 },
        { userId: 4, userType: 1, token: 'pc-has-no-push', pushCount: 1, pushType: 1 },
      ],
    }), { seq: 321 });
    const p = await link.next(Cid.CID_OTHER_PUSH_TO_USER_RSP);
    assert.equal(p.header.seq, 321, 'the reply carries the request seq at the standard offset');
    assert.equal(p.header.serviceId, 7);
    const rsp = decodeBody(IM.Server.IMPushToUserRsp, p.body);
    // Nothing was delivered, so nothing may claim success (the original answered 0 for dropped frames).
    assert.deepEqual(rsp.pushResultList.map((r) => [r.userToken, r.resultCode]), [[IOS_TOKEN, 1], [ANDROID_TOKEN, 1], ['pc-has-no-push', 1]]);

    assert.equal(server.stats.requests, 1);
    assert.equal(server.stats.logged, 2);
    assert.equal(server.stats.skipped, 1);
    assert.equal(server.stats.delivered, 0);

    await server.stop();
    const lines = fs.readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map((l) => [l.userId, l.clientType, l.token, l.badge, l.silent, l.flash]), [
      [2, 17, IOS_TOKEN, 4, false, 'Alice:hi'],
      [3, 18, ANDROID_TOKEN, 9, true, 'Alice:hi'],
    ]);
  } finally {
    link.close();
    await server.stop();
  }
});

test('bad input on a push link closes that link only; an unknown command is dropped', { timeout: 20_000 }, async () => {
  const server = await start({ confPath: writeTestConf('push') });
  const good = await PduClient.connect(server.ports.msg!);
  try {
    const frame = (len: number, cid: number, body = Buffer.alloc(0)): Buffer => {
      const b = Buffer.alloc(16);
      b.writeUInt32BE(len, 0); b.writeUInt16BE(1, 4); b.writeUInt16BE(cid >> 8, 8); b.writeUInt16BE(cid, 10);
      return Buffer.concat([b, body]);
    };
    for (const bytes of [
      frame(0, Cid.CID_OTHER_HEARTBEAT), // original bug: length 0 spun the session loop forever
      frame(8, Cid.CID_OTHER_PUSH_TO_USER_REQ),
      frame(64 * 1024 * 1024, Cid.CID_OTHER_PUSH_TO_USER_REQ),
      frame(20, Cid.CID_OTHER_PUSH_TO_USER_REQ, Buffer.from([0x0a, 0xff, 0xff, 0xff])),
    ]) {
      const c = await PduClient.connect(server.ports.msg!);
      c.writeRaw(bytes);
      await c.waitClosed(3000);
    }
    // Unknown command: logged and dropped, the link stays (the original closed the session).
    good.send(Cid.CID_MSG_DATA, Buffer.alloc(0), { seq: 1 });
    good.send(Cid.CID_OTHER_HEARTBEAT, Buffer.alloc(0), { seq: 2 });
    assert.equal((await good.next(Cid.CID_OTHER_HEARTBEAT)).header.seq, 2);
    assert.equal(good.closed, false);
  } finally {
    good.close();
    await server.stop();
  }
});
