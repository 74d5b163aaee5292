import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, APP_KEY, APP_SECRET, type Rig } from './support/harness';
import { rawHttp, post, signedPost } from './support/httpClient';
import { scriptDbProxy } from './support/scriptedDbProxy';
import { Cid } from '../../src/pdu/commands';
import { start } from '../../src/servers/http_msg';
import { writeTestConf } from '../helpers/writeTestConf';

let rig: Rig;
before(async () => {
  rig = await startRig({ AppKey: APP_KEY, AppSecret: APP_SECRET });
  scriptDbProxy(rig.db, { groupId: 3 });
});
after(async () => { await rig.stop(); });

const PARAM = { error_code: 1, error_msg: '参数错误' };
const good = { app_key: APP_KEY, req_user_id: 0, group_name: 'n', group_type: 1, group_avatar: '', user_id_list: [1] };
const create = (json: unknown): Buffer => signedPost(APP_SECRET, '/query/CreateGroup', json);

test('missing, null or mistyped CreateGroup keys and a bad group_type are code 1', async () => {
  const sent = rig.db.count(Cid.CID_GROUP_CREATE_REQUEST);
  const bad: Array<Record<string, unknown>> = [
    { ...good, group_name: undefined },
    { ...good, group_avatar: null },
    { ...good, user_id_list: undefined },
    { ...good, req_user_id: undefined },
    { ...good, group_type: 3 },
    { ...good, group_type: '1' },
    { ...good, group_name: 5 },
    { ...good, user_id_list: '1,2' },
    { ...good, user_id_list: [1, -2] },
    { ...good, user_id_list: [1, 'x'] },
    { ...good, user_id_list: Array.from({ length: 1001 }, (_, i) => i + 1) },
  ];
  for (const json of bad) {
    const res = await rawHttp(rig.port, create(json));
    assert.equal(res.status, 200, JSON.stringify(json).slice(0, 80));
    assert.deepEqual(res.json, PARAM, JSON.stringify(json).slice(0, 80));
  }
  assert.equal(rig.db.count(Cid.CID_GROUP_CREATE_REQUEST), sent, 'nothing invalid reached db_proxy');
});

test('ChangeMembers: bad modify_type or group_id is code 1', async () => {
  const base = { app_key: APP_KEY, req_user_id: 0, group_id: 1, modify_type: 1, user_id_list: [2] };
  for (const json of [{ ...base, modify_type: 0 }, { ...base, modify_type: 3 }, { ...base, group_id: -1 }, { ...base, group_id: undefined }]) {
    const res = await rawHttp(rig.port, signedPost(APP_SECRET, '/query/ChangeMembers', json));
    assert.deepEqual(res.json, PARAM, JSON.stringify(json));
  }
});

test('a type error in app_key or req_user_id is code 5 with a full HTTP response (Original bug fixed)', async () => {
  for (const json of [{ ...good, app_key: ['k'] }, { ...good, app_key: { a: 1 } }, { ...good, req_user_id: 'zero' }, { ...good, req_user_id: -1 }, [1, 2]]) {
    const res = await rawHttp(rig.port, create(json));
    assert.match(res.head, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.deepEqual(res.json, { error_code: 5, error_msg: '未授权的接口' });
  }
});

test('unknown paths are 404 and bodies that are not JSON are 400, both with code 1', async () => {
  for (const p of ['/query/createGroup', '/query/CreateGroup?x=1', '/query/', '/index.html']) {
    const res = await rawHttp(rig.port, signedPost(APP_SECRET, p, good));
    assert.equal(res.status, 404, p);
    assert.deepEqual(res.json, PARAM, p);
  }
  const res = await rawHttp(rig.port, post('/query/CreateGroup', '{"app_key": '));
  assert.equal(res.status, 400);
  assert.deepEqual(res.json, PARAM);
});

test('without an open db_proxy link every query answers code 10', async () => {
  const confPath = writeTestConf('http_msg', {
    AppKey: null, AppSecret: null, ConcurrentDBConnCnt: 1,
    DBServerIP1: '127.0.0.1', DBServerPort1: 1, DBServerIP2: null, DBServerPort2: null,
    RouteServerIP1: null, RouteServerPort1: null,
  });
  const server = await start({ confPath });
  try {
    const res = await rawHttp(server.ports.http!, post('/query/CreateGroup', JSON.stringify({ ...good, app_key: 'x' })));
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { error_code: 10, error_msg: '服务器异常' });
  } finally {
    await server.stop();
  }
});
