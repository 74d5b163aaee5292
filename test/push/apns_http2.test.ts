import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import * as path from 'node:path';
import { generateKeyPairSync, verify } from 'node:crypto';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { decodeBody, encodeBody } from '../../src/pdu/codec';
import { start } from '../../src/servers/push/index';
import { writeTestConf } from '../helpers';
import { PduClient } from '../file/support/PduClient';
import { selfSignedCert, tempDir } from './support';

const GOOD = 'd4'.repeat(32);
const SILENT = 'e5'.repeat(32);
const GONE = 'f6'.repeat(32);
const DATA = '{\n\t"from_id": 1,\n\t"group_id": 1,\n\t"msg_type": 17 \n} \n';

interface Seen {
  headers: http2.IncomingHttpHeaders;
  body: string;
}

test('APNs: each iOS token becomes one HTTP/2 POST with a valid ES256 provider token and the right payload', { timeout: 30_000 }, async () => {
  const dir = tempDir('tt-push-apns-');
  const tls = selfSignedCert(dir);
  // The .p8 key Apple would issue: a P-256 key in PKCS#8.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p8 = path.join(dir, 'AuthKey_ABC123DEFG.p8');
  fs.writeFileSync(p8, privateKey.export({ type: 'pkcs8', format: 'pem' }));

  // A stand-in for api.push.apple.com on loopback.
  const seen: Seen[] = [];
  const apple = http2.createSecureServer({ key: tls.key, cert: tls.cert });
  apple.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      seen.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      if (String(headers[':path']).endsWith(GONE)) {
        stream.respond({ ':status': 410, 'content-type': 'application/json' });
        stream.end(JSON.stringify({ reason: 'Unregistered', timestamp: 1 }));
      } else {
        stream.respond({ ':status': 200, 'apns-id': '00000000-0000-0000-0000-000000000001' });
        stream.end();
      }
    });
  });
  await new Promise<void>((resolve) => apple.listen(0, '127.0.0.1', resolve));
  const applePort = (apple.address() as { port: number }).port;

  const server = await start({ confPath: writeTestConf('push', {
    ApnsKeyPath: p8, ApnsKeyId: 'ABC123DEFG', ApnsTeamId: 'TEAM123456', ApnsTopic: 'com.mogujie.TeamTalk',
    ApnsHost: '127.0.0.1', ApnsPort: applePort, PushCaPath: tls.certPath,
  }) });
  const link = await PduClient.connect(server.ports.msg!);
  try {
    const before = Math.floor(Date.now() / 1000);
    link.send(Cid.CID_OTHER_PUSH_TO_USER_REQ, encodeBody(IM.Server.IMPushToUserReq, {
      flash: 'Alice:lunch?',
      data: DATA,
      userTokenList: [
        { userId: 2, userType: 17, token: GOOD, pushCount: 5, pushType: 1 },
        { userId: 3, userType: 17, token: SILENT, pushCount: 2, pushType: 2 },
        { userId: 4, userType: 17, token: GONE, pushCount: 1, pushType: 1 },
        { userId: 5, userType: 17, token: 'not-hex', pushCount: 1, pushType: 1 },
      ],
    }), { seq: 77 });
    const p = await link.next(Cid.CID_OTHER_PUSH_TO_USER_RSP, 10_000);
    assert.equal(p.header.seq, 77);
    const results = decodeBody(IM.Server.IMPushToUserRsp, p.body).pushResultList.map((r) => [r.userToken, r.resultCode]);
    assert.deepEqual(results, [[GOOD, 0], [SILENT, 0], [GONE, 1], ['not-hex', 1]]);
    assert.equal(seen.length, 3, 'the malformed token never reaches Apple');

    const byToken = new Map(seen.map((s) => [String(s.headers[':path']).slice('/3/device/'.length), s]));
    for (const s of seen) {
      assert.equal(s.headers[':method'], 'POST');
      assert.match(String(s.headers[':path']), /^\/3\/device\/[0-9a-f]{64}$/);
      assert.equal(s.headers['apns-topic'], 'com.mogujie.TeamTalk');
      assert.equal(s.headers['apns-push-type'], 'alert');
      const exp = Number(s.headers['apns-expiration']);
      assert.ok(exp >= before + 3600 && exp <= before + 3700, 'expires an hour from now');

      // authorization: bearer <JWT> signed with the .p8 key (ES256, raw r||s signature).
      const auth = String(s.headers.authorization);
      assert.match(auth, /^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      const [h64, c64, sig64] = auth.slice('bearer '.length).split('.') as [string, string, string];
      const jh = JSON.parse(Buffer.from(h64, 'base64url').toString()) as Record<string, unknown>;
      const jc = JSON.parse(Buffer.from(c64, 'base64url').toString()) as Record<string, unknown>;
      assert.equal(jh.alg, 'ES256');
      assert.equal(jh.kid, 'ABC123DEFG');
      assert.equal(jc.iss, 'TEAM123456');
      assert.ok(Math.abs(Number(jc.iat) - before) < 60);
      assert.equal(Buffer.from(sig64, 'base64url').length, 64);
      assert.ok(verify('sha256', Buffer.from(`${h64}.${c64}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig64, 'base64url')), 'signature verifies');
    }
    const normal = byToken.get(GOOD)!;
    assert.equal(normal.headers['apns-priority'], '10');
    assert.deepEqual(JSON.parse(normal.body), { aps: { alert: { body: 'Alice:lunch?' }, badge: 5, sound: 'bingbong.aiff' }, custom: DATA });
    const silent = byToken.get(SILENT)!;
    assert.equal(silent.headers['apns-priority'], '5');
    assert.deepEqual(JSON.parse(silent.body), { aps: { badge: 2 }, custom: DATA });

    assert.equal(server.stats.delivered, 2);
    assert.equal(server.stats.failed, 2);
    assert.equal(server.stats.byReason.get('Unregistered'), 1);
  } finally {
    link.close();
    await server.stop();
    await new Promise<void>((resolve) => apple.close(() => resolve()));
  }
});

test('APNs unreachable: push_server still starts, and the push is reported as failed, not sent', { timeout: 30_000 }, async () => {
  const dir = tempDir('tt-push-apns-down-');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p8 = path.join(dir, 'key.p8');
  fs.writeFileSync(p8, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  // Port 1 on loopback: nothing listens there.
  const server = await start({ confPath: writeTestConf('push', {
    ApnsKeyPath: p8, ApnsKeyId: 'K', ApnsTeamId: 'T', ApnsTopic: 'x', ApnsHost: '127.0.0.1', ApnsPort: 1, PushTimeout: 3,
  }) });
  const link = await PduClient.connect(server.ports.msg!);
  try {
    link.send(Cid.CID_OTHER_PUSH_TO_USER_REQ, encodeBody(IM.Server.IMPushToUserReq, {
      flash: 'f', data: 'd', userTokenList: [{ userId: 2, userType: 17, token: GOOD, pushCount: 1, pushType: 1 }],
    }), { seq: 5 });
    const rsp = decodeBody(IM.Server.IMPushToUserRsp, (await link.next(Cid.CID_OTHER_PUSH_TO_USER_RSP, 10_000)).body);
    assert.deepEqual(rsp.pushResultList.map((r) => r.resultCode), [1]);
    assert.equal(server.stats.failed, 1);
  } finally {
    link.close();
    await server.stop();
  }
});
