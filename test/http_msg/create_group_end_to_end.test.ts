import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { start as startDbProxy } from '../../src/servers/db_proxy';
import { start as startHttpMsg, type HttpMsgServer } from '../../src/servers/http_msg';
import { NetTransport } from '../../src/net/NetTransport';
import { resetDatabase, flushRedis, testDb, writeTestConf } from '../helpers';
import type { RunningServer } from '../../src/cli/serverModule';
import { FakePeer, until } from './support/FakePeer';
import { rawHttp, signedPost } from './support/httpClient';
import { APP_KEY, APP_SECRET } from './support/harness';
import { Cid } from '../../src/pdu/commands';
import type { IM } from '../../src/pdu/gen/im';

let dbProxy: RunningServer;
let http: HttpMsgServer;
let route: FakePeer;
let sql: mysql.Connection;

before(async () => {
  await resetDatabase();
  await flushRedis();
  dbProxy = await startDbProxy({ confPath: writeTestConf('db_proxy', { ThreadNum: 1 }), transport: new NetTransport() });
  route = await new FakePeer().listen();
  http = await startHttpMsg({
    confPath: writeTestConf('http_msg', {
      AppKey: APP_KEY, AppSecret: APP_SECRET, ConcurrentDBConnCnt: 2,
      DBServerIP1: '127.0.0.1', DBServerPort1: dbProxy.ports.ListenPort!, DBServerIP2: null, DBServerPort2: null,
      RouteServerIP1: '127.0.0.1', RouteServerPort1: route.port,
    }),
    transport: new NetTransport(),
  });
  await until(() => http.db.hasOpen() && http.route.master !== undefined, 5000, 'links to db_proxy and route');
  const m = testDb().mysql;
  sql = await mysql.createConnection({ host: m.host, port: m.port, user: m.user, password: m.password, database: m.database });
});
after(async () => {
  await sql?.end();
  await http?.stop();
  await dbProxy?.stop();
  await route?.close();
});

test('CreateGroup through the real db_proxy stores group 1 with its members, made by user 0', async () => {
  const res = await rawHttp(http.ports.http!, signedPost(APP_SECRET, '/query/CreateGroup', {
    app_key: APP_KEY, req_user_id: 0, group_name: 'eng-all', group_type: 1, group_avatar: '', user_id_list: [1, 2, 3],
  }));
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { error_code: 0, error_msg: '成功', group_id: 1 });
  const [groups] = await sql.query<mysql.RowDataPacket[]>('SELECT id, name, creator, type, status FROM IMGroup');
  assert.deepEqual(groups.map((g) => ({ ...g })), [{ id: 1, name: 'eng-all', creator: 0, type: 1, status: 0 }]);
  const [members] = await sql.query<mysql.RowDataPacket[]>('SELECT userId FROM IMGroupMember WHERE groupId = 1 AND status = 0 ORDER BY userId');
  assert.deepEqual(members.map((r) => r.userId as number), [1, 2, 3]);
});

test('ChangeMembers removes a member in the database and notifies route_server', async () => {
  const res = await rawHttp(http.ports.http!, signedPost(APP_SECRET, '/query/ChangeMembers', {
    app_key: APP_KEY, req_user_id: 0, group_id: 1, modify_type: 2, user_id_list: [3],
  }));
  assert.deepEqual(res.json, { error_code: 0, error_msg: '成功' });
  const [members] = await sql.query<mysql.RowDataPacket[]>('SELECT userId FROM IMGroupMember WHERE groupId = 1 AND status = 0 ORDER BY userId');
  assert.deepEqual(members.map((r) => r.userId as number), [1, 2]);
  const notify = await route.next(Cid.CID_GROUP_CHANGE_MEMBER_NOTIFY);
  const n = notify.pdu.message as IM.Group.IMGroupChangeMemberNotify;
  assert.equal(n.groupId, 1);
  assert.equal(n.changeType, 2);
  assert.deepEqual(n.chgUserIdList, [3]);
  assert.deepEqual([...n.curUserIdList].sort(), [1, 2]);
});

test('an empty group name is refused by db_proxy: code 11', async () => {
  const res = await rawHttp(http.ports.http!, signedPost(APP_SECRET, '/query/CreateGroup', {
    app_key: APP_KEY, req_user_id: 0, group_name: '', group_type: 1, group_avatar: '', user_id_list: [1],
  }));
  assert.deepEqual(res.json, { error_code: 11, error_msg: '创建群失败', group_id: 0 });
});

test('a name full of SQL is stored verbatim', async () => {
  const name = "x'); DROP TABLE IMGroup; --";
  const res = await rawHttp(http.ports.http!, signedPost(APP_SECRET, '/query/CreateGroup', {
    app_key: APP_KEY, req_user_id: 0, group_name: name, group_type: 2, group_avatar: '', user_id_list: [2],
  }));
  assert.equal(res.json?.error_code, 0);
  const [rows] = await sql.query<mysql.RowDataPacket[]>('SELECT name FROM IMGroup WHERE id = ?', [res.json?.group_id]);
  assert.equal(rows[0]?.name, name);
});
