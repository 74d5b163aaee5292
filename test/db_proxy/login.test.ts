import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { wirePassword } from '../../src/pdu/crypto';
import { encodeFrame } from '../../src/pdu/Pdu';
import { decodeBody } from '../../src/pdu/codec';
import { startDbProxy, Harness } from './support/harness';
import { nextSeq } from './support/LinkClient';

let h: Harness;
before(async () => { h = await startDbProxy(); });
after(async () => { await h.close(); });

const validate = (name: string, password: string, attach?: Buffer) =>
  h.link.call(Cid.CID_OTHER_VALIDATE_REQ, IM.Server.IMValidateReq, { userName: name, password, ...(attach ? { attachData: attach } : {}) },
    Cid.CID_OTHER_VALIDATE_RSP, IM.Server.IMValidateRsp);

test('a correct password logs in with the user row (status forced to 0, real name = login name)', async () => {
  const attach = Buffer.from('000000010000001000000000', 'hex');
  const rsp = await validate('alice', wirePassword('123456'), attach);
  assert.equal(rsp.resultCode, 0);
  assert.equal(rsp.resultString, '成功');
  assert.equal(rsp.userName, 'alice');
  assert.equal(rsp.userInfo?.userId, 1);
  assert.equal(rsp.userInfo?.userRealName, 'alice');
  assert.equal(rsp.userInfo?.userNickName, 'Alice');
  assert.equal(rsp.userInfo?.status, 0);
  assert.deepEqual(Buffer.from(rsp.attachData), attach);
});

test('wrong password and unknown user both answer 1 without user info', async () => {
  for (const [name, pw] of [['bob', wirePassword('nope')], ['nobody', wirePassword('123456')]] as const) {
    const rsp = await validate(name, pw);
    assert.equal(rsp.resultCode, 1);
    assert.equal(rsp.resultString, '用户名/密码错误');
    assert.equal(rsp.userInfo, null);
    // attach_data is present (and empty) even though the request had none.
    assert.ok(Object.prototype.hasOwnProperty.call(rsp, 'attachData'));
    assert.equal(rsp.attachData.length, 0);
  }
});

test('an SQL-injection login name finds nothing', async () => {
  const rsp = await validate("x' UNION SELECT 1,1,'alice','a','A','p','1','1','e','',1,0,0,0,'' -- ", wirePassword('123456'));
  assert.equal(rsp.resultCode, 1);
});

test('11 failures within 30 minutes lock the name with code 6, even for the right password', async () => {
  for (let i = 0; i < 11; i++) assert.equal((await validate('carol', wirePassword('bad'))).resultCode, 1);
  const rsp = await validate('carol', wirePassword('123456'));
  assert.equal(rsp.resultCode, 6);
  assert.equal(rsp.resultString, '用户名/密码错误次数太多');
  // other names are not affected
  assert.equal((await validate('bob', wirePassword('123456'))).resultCode, 0);
});

test('an unparsable validate body gets code 2 and the link stays open', async () => {
  const seq = nextSeq();
  const p = h.link.wait(Cid.CID_OTHER_VALIDATE_RSP, seq);
  h.link.sendRaw(encodeFrame(Cid.CID_OTHER_VALIDATE_REQ, Buffer.from([0x0a, 0x05, 0x61]), { seq }));
  const rsp = decodeBody(IM.Server.IMValidateRsp, (await p).body);
  assert.equal(rsp.resultCode, 2);
  assert.equal(rsp.resultString, '服务端内部错误');
  assert.equal((await validate('bob', wirePassword('123456'))).resultCode, 0);
});
