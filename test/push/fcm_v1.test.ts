import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { generateKeyPairSync, verify } from 'node:crypto';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { decodeBody, encodeBody } from '../../src/pdu/codec';
import { start } from '../../src/servers/push/index';
import { writeTestConf } from '../helpers';
import { PduClient } from '../file/support/PduClient';
import { selfSignedCert, tempDir } from './support';

const TOKEN_A = 'androidTokenA:' + 'a'.repeat(100);
const TOKEN_B = 'androidTokenB:' + 'b'.repeat(100);
const GONE = 'androidGone:' + 'c'.repeat(100);

test('FCM v1: the service account signs in with an RS256 JWT once, then each Android token is one message', { timeout: 30_000 }, async () => {
  const dir = tempDir('tt-push-fcm-');
  const tls = selfSignedCert(dir);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const tokenExchanges: Array<Record<string, string>> = [];
  const messages: Array<{ auth: string; url: string; body: { message: Record<string, unknown> } }> = [];
  const google = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.url === '/token') {
        tokenExchanges.push(Object.fromEntries(new URLSearchParams(body)));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'ya29.test-access', expires_in: 3600, token_type: 'Bearer' }));
        return;
      }
      const parsed = JSON.parse(body) as { message: Record<string, unknown> };
      messages.push({ auth: String(req.headers.authorization), url: String(req.url), body: parsed });
      if (parsed.message.token === GONE) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 404, status: 'NOT_FOUND', message: 'Requested entity was not found.' } }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ name: 'projects/tt-test/messages/1' }));
      }
    });
  });
  await new Promise<void>((resolve) => google.listen(0, '127.0.0.1', resolve));
  const base = `https://127.0.0.1:${(google.address() as { port: number }).port}`;
  const saPath = path.join(dir, 'service-account.json');
  fs.writeFileSync(saPath, JSON.stringify({
    type: 'service_account', project_id: 'tt-test', client_email: 'push@tt-test.iam.gserviceaccount.com',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }), token_uri: `${base}/token`,
  }));

  const server = await start({ confPath: writeTestConf('push', { FcmServiceAccountPath: saPath, FcmEndpoint: base, PushCaPath: tls.certPath }) });
  const link = await PduClient.connect(server.ports.msg!);
  try {
    link.send(Cid.CID_OTHER_PUSH_TO_USER_REQ, encodeBody(IM.Server.IMPushToUserReq, {
      flash: 'Bob:ok', data: '{"from_id": 2}',
      userTokenList: [
        { userId: 1, userType: 18, token: TOKEN_A, pushCount: 6, pushType: 1 },
        { userId: 3, userType: 18, token: TOKEN_B, pushCount: 2, pushType: 2 },
        { userId: 4, userType: 18, token: GONE, pushCount: 1, pushType: 1 },
      ],
    }), { seq: 9 });
    const rsp = decodeBody(IM.Server.IMPushToUserRsp, (await link.next(Cid.CID_OTHER_PUSH_TO_USER_RSP, 10_000)).body);
    assert.deepEqual(rsp.pushResultList.map((r) => [r.userToken, r.resultCode]), [[TOKEN_A, 0], [TOKEN_B, 0], [GONE, 1]]);

    // One OAuth2 exchange shared by the three sends, with a verifiable RS256 assertion.
    assert.equal(tokenExchanges.length, 1);
    const ex = tokenExchanges[0]!;
    assert.equal(ex.grant_type, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [h64, c64, s64] = ex.assertion!.split('.') as [string, string, string];
    assert.equal((JSON.parse(Buffer.from(h64, 'base64url').toString()) as { alg: string }).alg, 'RS256');
    const claims = JSON.parse(Buffer.from(c64, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(claims.iss, 'push@tt-test.iam.gserviceaccount.com');
    assert.equal(claims.aud, `${base}/token`);
    assert.equal(claims.scope, 'https://www.googleapis.com/auth/firebase.messaging');
    assert.ok(verify('sha256', Buffer.from(`${h64}.${c64}`), publicKey, Buffer.from(s64, 'base64url')));

    assert.equal(messages.length, 3);
    for (const m of messages) {
      assert.equal(m.auth, 'Bearer ya29.test-access');
      assert.equal(m.url, '/v1/projects/tt-test/messages:send');
    }
    const a = messages.find((m) => m.body.message.token === TOKEN_A)!.body.message;
    assert.deepEqual(a.notification, { body: 'Bob:ok' });
    assert.deepEqual(a.data, { custom: '{"from_id": 2}', badge: '6' });
    const b = messages.find((m) => m.body.message.token === TOKEN_B)!.body.message;
    assert.equal(b.notification, undefined, 'a silent push is data-only');
    assert.deepEqual(b.data, { custom: '{"from_id": 2}', badge: '2' });
    assert.equal(server.stats.byReason.get('NOT_FOUND'), 1);
  } finally {
    link.close();
    await server.stop();
    await new Promise<void>((resolve) => google.close(() => resolve()));
  }
});
