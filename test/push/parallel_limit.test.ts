// A push request with many tokens must not open one provider request per token at once (a 4 MiB PDU
// holds tens of thousands): MaxParallelPushes bounds the APNs streams in flight per request. A
// stand-in APNs on loopback holds each stream for a while and records the peak number open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import * as path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { decodeBody, encodeBody } from '../../src/pdu/codec';
import { start } from '../../src/servers/push/index';
import { writeTestConf } from '../helpers';
import { PduClient } from '../file/support/PduClient';
import { selfSignedCert, tempDir } from './support';

const TOKENS = 60;
const LIMIT = 4;
const HOLD_MS = 15;

test(`MaxParallelPushes=${LIMIT}: ${TOKENS} iOS tokens reach APNs at most ${LIMIT} at a time, and every result comes back in order`, { timeout: 30_000 }, async () => {
  const dir = tempDir('tt-push-parallel-');
  const tls = selfSignedCert(dir);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p8 = path.join(dir, 'key.p8');
  fs.writeFileSync(p8, privateKey.export({ type: 'pkcs8', format: 'pem' }));

  let open = 0;
  let peak = 0;
  let served = 0;
  const apple = http2.createSecureServer({ key: tls.key, cert: tls.cert });
  apple.on('stream', (stream) => {
    open++;
    peak = Math.max(peak, open);
    stream.resume();
    stream.on('end', () => setTimeout(() => {
      open--;
      served++;
      stream.respond({ ':status': 200, 'apns-id': '00000000-0000-0000-0000-000000000001' });
      stream.end();
    }, HOLD_MS));
  });
  await new Promise<void>((resolve) => apple.listen(0, '127.0.0.1', resolve));
  const applePort = (apple.address() as { port: number }).port;

  const server = await start({ confPath: writeTestConf('push', {
    ApnsKeyPath: p8, ApnsKeyId: 'K', ApnsTeamId: 'T', ApnsTopic: 'com.mogujie.TeamTalk',
    ApnsHost: '127.0.0.1', ApnsPort: applePort, PushCaPath: tls.certPath, MaxParallelPushes: LIMIT,
  }) });
  const link = await PduClient.connect(server.ports.msg!);
  try {
    const tokens = Array.from({ length: TOKENS }, (_, i) => i.toString(16).padStart(2, '0').repeat(32));
    link.send(Cid.CID_OTHER_PUSH_TO_USER_REQ, encodeBody(IM.Server.IMPushToUserReq, {
      flash: 'group hello', data: '{}',
      userTokenList: tokens.map((token, i) => ({ userId: 100 + i, userType: 17, token, pushCount: 1, pushType: 1 })),
    }), { seq: 9 });
    const rsp = decodeBody(IM.Server.IMPushToUserRsp, (await link.next(Cid.CID_OTHER_PUSH_TO_USER_RSP, 20_000)).body);
    assert.deepEqual(rsp.pushResultList.map((r) => [r.userToken, r.resultCode]), tokens.map((t) => [t, 0]));
    assert.equal(served, TOKENS, 'every token was sent');
    assert.equal(peak, LIMIT, `at most ${LIMIT} streams open at once (and the limit is used)`);
    assert.equal(server.stats.delivered, TOKENS);
  } finally {
    link.close();
    await server.stop();
    await new Promise<void>((resolve) => apple.close(() => resolve()));
  }
});
