// The offline store's admission limits (fileserver.conf MaxOfflineFileBytes, MinFreeDiskMB; the
// original had neither, edge.md §1.13): an offline file over the size cap is refused at task creation
// (result 1, the link stays), and an upload that would leave the disk under the floor is refused with
// CANCEL before a byte is pulled. Each refusal writes a log line; nothing is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { decodeBody } from '../../src/pdu/codec';
import { captureLog } from '../net/support/transports';
import { createTask, fileLogin, startFileServer, storedFiles } from './support/fileServer';

const SENDER = 1;
const RECEIVER = 2;
const CANCEL = 1;
const DONE = 3;
const OFFLINE = 2;
const ONLINE = 1;

test('MaxOfflineFileBytes: a larger offline file is refused at creation with a log line; at the cap, and online, it is accepted', { timeout: 20_000 }, async () => {
  const cap = captureLog();
  const srv = await startFileServer({ MaxOfflineFileBytes: 1000 }, { log: cap.log });
  try {
    const over = await createTask(srv.link, { from: SENDER, to: RECEIVER, name: 'big.bin', size: 1001, mode: OFFLINE }, 11);
    assert.deepEqual([over.rsp.resultCode, over.taskId, over.rsp.fileSize], [1, '', 1001]);
    const line = cap.lines.find((l) => l.msg === 'file transfer request refused');
    assert.ok(line, 'the refusal is logged');
    assert.match(String(line.why), /MaxOfflineFileBytes/);
    assert.equal(srv.server.ctx.tasks.size, 0, 'no task was created');

    // The link survived the refusal, and a file at the cap goes through, as does a big online one
    // (online transfers never touch the disk).
    const atCap = await createTask(srv.link, { from: SENDER, to: RECEIVER, name: 'ok.bin', size: 1000, mode: OFFLINE }, 12);
    assert.equal(atCap.rsp.resultCode, 0);
    const online = await createTask(srv.link, { from: SENDER, to: RECEIVER, name: 'live.bin', size: 5000, mode: ONLINE }, 13);
    assert.equal(online.rsp.resultCode, 0);
    assert.deepEqual(storedFiles(srv.storeDir), []);
  } finally {
    await srv.stop();
  }
});

test('MinFreeDiskMB: an upload that would leave less free space is refused with CANCEL and a log line before any pull', { timeout: 20_000 }, async () => {
  const cap = captureLog();
  // About a petabyte: no test machine has that much free.
  const srv = await startFileServer({ MinFreeDiskMB: 1_000_000_000 }, { log: cap.log });
  try {
    for (const size of [40_000, 0]) { // a zero-byte file is refused too: it creates a file
      const { taskId } = await createTask(srv.link, { from: SENDER, to: RECEIVER, name: `f${size}.bin`, size, mode: OFFLINE });
      const up = await fileLogin(srv.server.ports.client!, SENDER, taskId, 3);
      assert.equal(up.result, 0);
      const p = await up.client.next(); // CANCEL, not CID_FILE_PULL_DATA_REQ
      assert.equal(p.header.commandId, Cid.CID_FILE_STATE);
      const st = decodeBody(IM.File.IMFileState, p.body);
      assert.deepEqual([st.state, st.taskId, st.userId], [CANCEL, taskId, SENDER]);
      await up.client.waitClosed();
      const line = cap.lines.find((l) => l.msg === 'offline upload refused; closing' && l.taskId === taskId);
      assert.ok(line, 'the refusal is logged');
      assert.match(String(line.why), /disk nearly full/);
    }
    assert.deepEqual(storedFiles(srv.storeDir), [], 'nothing was stored');
  } finally {
    await srv.stop();
  }

  // The same upload with the floor off (0) is stored: the refusal above came from the floor.
  const open = await startFileServer({ MinFreeDiskMB: 0 });
  try {
    const { taskId } = await createTask(open.link, { from: SENDER, to: RECEIVER, name: 'empty.bin', size: 0, mode: OFFLINE });
    const up = await fileLogin(open.server.ports.client!, SENDER, taskId, 3);
    assert.equal(decodeBody(IM.File.IMFileState, (await up.client.next(Cid.CID_FILE_STATE)).body).state, DONE);
    await up.client.waitClosed();
    assert.equal(storedFiles(open.storeDir).length, 1);
  } finally {
    await open.stop();
  }
});
