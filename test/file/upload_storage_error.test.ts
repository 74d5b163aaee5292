// A storage failure during an offline upload must reach the uploader as CANCEL (and a close), never
// as silence: here for the zero-byte upload, which is stored right after the login without any
// segment. The failure is made by a regular FILE where the task's two-character directory should be,
// so mkdir fails whoever runs the test (a read-only directory would not stop root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { decodeBody } from '../../src/pdu/codec';
import { createTask, fileLogin, startFileServer, storedFiles } from './support/fileServer';

const SENDER = 1;
const RECEIVER = 2;
const CANCEL = 1;
const DONE = 3;

test('zero-byte upload whose file cannot be created: the uploader gets CANCEL and is closed; a retry later succeeds', { timeout: 20_000 }, async () => {
  const srv = await startFileServer();
  try {
    const { taskId } = await createTask(srv.link, { from: SENDER, to: RECEIVER, name: 'empty.txt', size: 0, mode: 2 });
    const blocker = path.join(srv.storeDir, taskId.slice(0, 2));
    fs.writeFileSync(blocker, 'not a directory');

    const up = await fileLogin(srv.server.ports.client!, SENDER, taskId, 3);
    assert.equal(up.result, 0);
    const st = decodeBody(IM.File.IMFileState, (await up.client.next(Cid.CID_FILE_STATE)).body);
    assert.deepEqual([st.state, st.taskId, st.userId], [CANCEL, taskId, SENDER]);
    await up.client.waitClosed();
    assert.deepEqual(storedFiles(srv.storeDir).map((f) => f.path), [blocker], 'nothing was stored');

    // The task is still there, waiting for its uploader (edge.md §1.12): once the disk is fixed it works.
    fs.rmSync(blocker);
    const again = await fileLogin(srv.server.ports.client!, SENDER, taskId, 3);
    assert.equal(again.result, 0);
    assert.equal(decodeBody(IM.File.IMFileState, (await again.client.next(Cid.CID_FILE_STATE)).body).state, DONE);
    await again.client.waitClosed();
    assert.deepEqual(storedFiles(srv.storeDir).map((f) => path.relative(srv.storeDir, f.path)), [path.join(taskId.slice(0, 2), taskId)]);
  } finally {
    await srv.stop();
  }
});
