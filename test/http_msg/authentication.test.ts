import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, APP_KEY, APP_SECRET, type Rig } from './support/harness';
import { rawHttp, post, signedPost } from './support/httpClient';
import { scriptDbProxy } from './support/scriptedDbProxy';
import { QueryAuth, sign } from '../../src/servers/http_msg/QueryAuth';
import { QueryError } from '../../src/servers/http_msg/QueryError';
import { Cid } from '../../src/pdu/commands';

let rig: Rig;
before(async () => {
  rig = await startRig({ AppKey: APP_KEY, AppSecret: APP_SECRET, AuthMaxSkewSec: 60 });
  scriptDbProxy(rig.db, { groupId: 42 });
});
after(async () => { await rig.stop(); });

const create = { app_key: APP_KEY, req_user_id: 0, group_name: 'auth', group_type: 1, group_avatar: '', user_id_list: [1, 2] };
const APP_KEY_REFUSED = { error_code: 2, error_msg: 'appKey不存在' };
const changeMembers = { app_key: APP_KEY, req_user_id: 0, group_id: 7, modify_type: 1, user_id_list: [3] };

test('a correctly signed request is served', async () => {
  const res = await rawHttp(rig.port, signedPost(APP_SECRET, '/query/CreateGroup', create));
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { error_code: 0, error_msg: '成功', group_id: 42 });
});

test('requests without credentials, with a wrong key, secret, body or stale time are refused (401, code 2)', async () => {
  const sent = rig.db.count(Cid.CID_GROUP_CREATE_REQUEST);
  const now = Math.floor(Date.now() / 1000);
  const body = JSON.stringify(create);
  const cases: Array<[string, Buffer]> = [
    ['no signature (the original PHP admin request)', post('/query/CreateGroup', JSON.stringify({ ...create, app_key: 'asdfasdf' }))],
    ['right key, no signature', post('/query/CreateGroup', body)],
    ['wrong app_key', signedPost(APP_SECRET, '/query/CreateGroup', { ...create, app_key: 'other' })],
    ['wrong secret', signedPost('not-the-secret-at-all', '/query/CreateGroup', create)],
    ['stale timestamp', signedPost(APP_SECRET, '/query/CreateGroup', create, now - 3600)],
    ['signature of another body', post('/query/CreateGroup', JSON.stringify({ ...create, group_name: 'evil' }), {
      'X-TT-Timestamp': String(now), 'X-TT-Signature': sign(APP_SECRET, String(now), 'POST', '/query/CreateGroup', Buffer.from(body)) })],
    ['signature of another path', post('/query/CreateGroup', body, {
      'X-TT-Timestamp': String(now), 'X-TT-Signature': sign(APP_SECRET, String(now), 'POST', '/query/ChangeMembers', Buffer.from(body)) })],
  ];
  for (const [what, req] of cases) {
    const res = await rawHttp(rig.port, req);
    assert.equal(res.status, 401, what);
    assert.deepEqual(res.json, APP_KEY_REFUSED, what);
  }
  assert.equal(rig.db.count(Cid.CID_GROUP_CREATE_REQUEST), sent, 'nothing refused reached db_proxy');
});

test('ChangeMembers is guarded too: unsigned, wrongly keyed or wrongly signed requests are refused (401, code 2)', async () => {
  const sent = rig.db.count(Cid.CID_GROUP_CHANGE_MEMBER_REQUEST);
  const cases: Array<[string, Buffer]> = [
    ['no signature', post('/query/ChangeMembers', JSON.stringify(changeMembers))],
    ['wrong app_key', signedPost(APP_SECRET, '/query/ChangeMembers', { ...changeMembers, app_key: 'asdfasdf' })],
    ['wrong secret', signedPost('not-the-secret-at-all', '/query/ChangeMembers', changeMembers)],
  ];
  for (const [what, req] of cases) {
    const res = await rawHttp(rig.port, req);
    assert.equal(res.status, 401, what);
    assert.deepEqual(res.json, APP_KEY_REFUSED, what);
  }
  assert.equal(rig.db.count(Cid.CID_GROUP_CHANGE_MEMBER_REQUEST), sent, 'no member change reached db_proxy');
});

test('a replayed signed request is refused', async () => {
  const req = signedPost(APP_SECRET, '/query/CreateGroup', { ...create, group_name: 'once' });
  assert.equal((await rawHttp(rig.port, req)).status, 200);
  const again = await rawHttp(rig.port, req);
  assert.equal(again.status, 401);
  assert.deepEqual(again.json, APP_KEY_REFUSED);
});

test('AllowedIPs refuses other peers with code 6 before reading the request', async () => {
  const other = await startRig({ AppKey: APP_KEY, AppSecret: APP_SECRET, AllowedIPs: '10.1.2.3' });
  try {
    const res = await rawHttp(other.port, signedPost(APP_SECRET, '/query/CreateGroup', create));
    assert.equal(res.status, 403);
    assert.deepEqual(res.json, { error_code: 6, error_msg: 'IP未授权' });
    assert.equal(other.db.count(Cid.CID_GROUP_CREATE_REQUEST), 0);
  } finally {
    await other.stop();
  }
});

test('without AppKey/AppSecret the loopback caller is served without credentials (original behaviour)', async () => {
  const open = await startRig({ AppKey: null, AppSecret: null });
  try {
    scriptDbProxy(open.db, { groupId: 5 });
    const res = await rawHttp(open.port, post('/query/CreateGroup', JSON.stringify({ ...create, app_key: 'asdfasdf' })));
    assert.deepEqual(res.json, { error_code: 0, error_msg: '成功', group_id: 5 });
  } finally {
    await open.stop();
  }
});

test('without AppKey only loopback peers pass the peer check; any other address is code 6 (HTTP 403)', () => {
  const open = new QueryAuth({ appKey: undefined, appSecret: undefined, allowedIps: undefined, authMaxSkewSec: 60 });
  assert.equal(open.mode, 'loopback-only');
  for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) assert.doesNotThrow(() => open.checkPeer(ip), ip);
  for (const ip of ['10.0.0.5', '::ffff:10.0.0.5', '192.168.1.20', '2001:db8::1', '0.0.0.0']) {
    assert.throws(() => open.checkPeer(ip), (e: unknown) => e instanceof QueryError && e.code === 6 && e.httpStatus === 403, ip);
  }
  // With credentials configured the same network peer gets as far as the signature check.
  const signed = new QueryAuth({ appKey: APP_KEY, appSecret: APP_SECRET, allowedIps: undefined, authMaxSkewSec: 60 });
  assert.equal(signed.mode, 'signed');
  assert.doesNotThrow(() => signed.checkPeer('10.0.0.5'));
});
