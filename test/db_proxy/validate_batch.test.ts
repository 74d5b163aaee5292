import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import * as mysql from 'mysql2/promise';
import { passwordMatches, wirePassword } from '../../src/pdu/crypto';
import { testDb } from '../helpers';
import { startDbProxy, Harness } from './support/harness';

let h: Harness;
before(async () => { h = await startDbProxy(); });
after(async () => { await h.close(); });

const validate = (name: string, password: string, attach: Buffer) =>
  h.link.call(Cid.CID_OTHER_VALIDATE_REQ, IM.Server.IMValidateReq, { userName: name, password, attachData: attach },
    Cid.CID_OTHER_VALIDATE_RSP, IM.Server.IMValidateRsp);

/** What a msg_server acts on: the code, whose row, and the echoed name and context. */
function outcome(r: IM.Server.IMValidateRsp): string {
  return JSON.stringify([r.resultCode, r.userName, r.userInfo?.userId ?? null, r.userInfo?.userRealName ?? null, Buffer.from(r.attachData).toString('hex')]);
}

function attach(i: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt32BE(1, 0);
  b.writeUInt32BE(1000 + i, 4);
  return b;
}

// Right and wrong passwords, unknown and case-changed names, a trailing space (PAD SPACE collation):
// a few failures per name only, far below the 11 that lock a name.
const CASES: Array<[string, string]> = [
  ['alice', wirePassword('123456')],
  ['bob', wirePassword('123456')],
  ['carol', wirePassword('123456')],
  ['alice ', wirePassword('123456')],
  ['ALICE', wirePassword('123456')],
  ['nobody-batch', wirePassword('123456')],
  ['bob', wirePassword('wrong')],
];

/**
 * The oracle: the original's one-name query (`name = ?`, active rows, last id wins) run directly on
 * MariaDB, and the password scheme, giving the code and user each case must get.
 */
async function expected(): Promise<string[]> {
  const m = testDb().mysql;
  const c = await mysql.createConnection({ host: m.host, port: m.port, user: m.user, password: m.password, database: m.database });
  try {
    const out: string[] = [];
    for (let i = 0; i < CASES.length; i++) {
      const [name, pw] = CASES[i]!;
      const [rows] = await c.execute('SELECT id, name, password, salt FROM IMUser WHERE name = ? AND status = 0 ORDER BY id', [name]);
      const list = rows as Array<{ id: number; name: string; password: string; salt: string }>;
      const row = list[list.length - 1];
      const ok = row !== undefined && passwordMatches(pw, row.salt, row.password);
      out.push(JSON.stringify([ok ? 0 : 1, name, ok ? row.id : null, ok ? row.name : null, attach(i).toString('hex')]));
    }
    return out;
  } finally {
    await c.end();
  }
}

test('logins validated together in batched lookups get exactly the answers of the one-name query', async () => {
  const want = await expected();
  assert.equal(JSON.parse(want[0]!)[2], 1, 'the oracle sees alice as user 1');
  assert.equal(JSON.parse(want[6]!)[0], 1, 'the oracle refuses a wrong password');

  // One at a time (each lookup alone in its query), then all at once, three rounds interleaved:
  // the worker queues those and shares lookup queries among them.
  for (let i = 0; i < CASES.length; i++) {
    const [name, pw] = CASES[i]!;
    assert.equal(outcome(await validate(name, pw, attach(i))), want[i], `case ${i} alone`);
  }
  const pending: Array<Promise<[number, string]>> = [];
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < CASES.length; i++) {
      const [name, pw] = CASES[i]!;
      pending.push(validate(name, pw, attach(i)).then((r) => [i, outcome(r)]));
    }
  }
  for (const [i, got] of await Promise.all(pending)) assert.equal(got, want[i], `case ${i} (${JSON.stringify(CASES[i]![0])}) batched`);
});
