// The command table holds every id of protocol.md §2 with the right service and body type, and agrees
// with the generated IM.BaseDefine enums.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IM } from '../../src/pdu/gen/im';
import { allCommands, Cid, cidName, commandInfo, Sid } from '../../src/pdu/commands';
import { loadSpecTables } from './specTables';

const spec = loadSpecTables();

test('Cid holds exactly the 95 commands of §2 with their ids, services and body types', () => {
  assert.equal(spec.commands.length, 95);
  assert.deepEqual(Object.entries(Cid), spec.commands.map((c) => [c.name, c.id]));
  for (const c of spec.commands) {
    const info = commandInfo(c.id);
    assert.ok(info, c.name);
    assert.equal(info.name, c.name);
    assert.equal(info.serviceId, c.section - 1, `${c.name}: section 2.${c.section} is service ${c.section - 1}`);
    assert.equal(info.serviceId, c.id >> 8);
    assert.equal(Sid[info.serviceName], info.serviceId);
    assert.equal(info.bodyTypeName, c.bodyType, c.name);
  }
  assert.equal(allCommands().length, 95);
});

test('Sid holds the 8 services of §2.1', () => {
  assert.deepEqual(Object.entries(Sid), spec.services);
});

test('Cid and Sid agree with the generated enums', () => {
  const cmdEnums = [
    IM.BaseDefine.LoginCmdID, IM.BaseDefine.BuddyListCmdID, IM.BaseDefine.MessageCmdID, IM.BaseDefine.GroupCmdID,
    IM.BaseDefine.FileCmdID, IM.BaseDefine.SwitchServiceCmdID, IM.BaseDefine.OtherCmdID,
  ];
  const fromEnums = cmdEnums.flatMap((e) => Object.entries(e).filter(([, v]) => typeof v === 'number'));
  assert.deepEqual(fromEnums, Object.entries(Cid));
  assert.deepEqual(Object.entries(IM.BaseDefine.ServiceID).filter(([, v]) => typeof v === 'number'), Object.entries(Sid));
});

test('unknown ids have no entry; cidName still labels them', () => {
  for (const id of [0, 0x0100, 0x070c, 0x0713, 0x0730, 0x0735, 0x0801, 0xffff]) {
    assert.equal(commandInfo(id), undefined, id.toString(16));
  }
  assert.equal(cidName(0x070c), '0x070c');
  assert.equal(cidName(Cid.CID_MSG_DATA), 'CID_MSG_DATA');
});
