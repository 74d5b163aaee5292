import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startRig, type Rig } from './support/harness';
import { rawHttp } from './support/httpClient';
import { fixturesDir } from '../helpers/testDb';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { encodeBody } from '../../src/pdu/codec';
import { encodeFrame } from '../../src/pdu/Pdu';

interface Entry { dir: string; hex: string }
const load = (name: string): Entry[] => JSON.parse(fs.readFileSync(path.join(fixturesDir, name), 'utf8')) as Entry[];

/** The 4-byte handle inside the 12-byte attach_data that ends both fixture PDUs. */
const withHandle = (frame: Buffer, handle: number): Buffer => {
  const out = Buffer.from(frame);
  out.writeUInt32BE(handle, out.length - 8);
  return out;
};

let rig: Rig;
// The fixture was captured from the original without credentials: the loopback-only mode.
before(async () => { rig = await startRig({ AppKey: null, AppSecret: null }); });
after(async () => { await rig.stop(); });

test('POST /query/CreateGroup reproduces the group_create_http fixture byte for byte', async () => {
  const http = load('group_create_http.json');
  const internal = load('group_create_http.internal.json');
  const request = Buffer.from(http.find((e) => e.dir === 'c2s')!.hex, 'hex');
  const expectedReply = Buffer.from(http.find((e) => e.dir === 's2c')!.hex, 'hex');
  const expectedToDb = Buffer.from(internal.find((e) => e.dir === 'c2s')!.hex, 'hex');
  const dbReply = Buffer.from(internal.find((e) => e.dir === 's2c')!.hex, 'hex');

  rig.db.onPdu = (r) => {
    if (r.pdu.header.commandId !== Cid.CID_GROUP_CREATE_REQUEST) return;
    const handle = r.frame.readUInt32BE(r.frame.length - 8);
    assert.ok(withHandle(expectedToDb, handle).equals(r.frame), `request to db_proxy: got ${r.frame.toString('hex')}`);
    rig.db.send(r.socket, withHandle(dbReply, handle));
  };
  const res = await rawHttp(rig.port, request);
  assert.equal(rig.db.count(Cid.CID_GROUP_CREATE_REQUEST), 1);
  assert.equal(res.raw.toString('hex'), expectedReply.toString('hex'));
  assert.ok(res.closedByServer, 'Connection:close: the server closes after the reply');
});

test('a create that db_proxy refuses answers code 11 with group_id 0', async () => {
  rig.db.onPdu = (r) => {
    if (r.pdu.header.commandId !== Cid.CID_GROUP_CREATE_REQUEST) return;
    const req = r.pdu.message as IM.Group.IMGroupCreateReq;
    const rsp = encodeBody(IM.Group.IMGroupCreateRsp, { userId: 0, resultCode: 1, groupName: req.groupName, userIdList: [], attachData: req.attachData });
    rig.db.send(r.socket, encodeFrame(Cid.CID_GROUP_CREATE_RESPONSE, rsp));
  };
  const body = JSON.stringify({ req_user_id: 0, app_key: 'k', group_name: 'dup', group_type: 2, group_avatar: '', user_id_list: [1] });
  const res = await rawHttp(rig.port, `POST /query/CreateGroup HTTP/1.1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  assert.equal(res.status, 200);
  assert.equal(res.body, '{\n   "error_code" : 11,\n   "error_msg" : "创建群失败",\n   "group_id" : 0\n}\n');
});
