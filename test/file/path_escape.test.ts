import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fsn from 'node:fs';
import * as path from 'node:path';
import { Cid } from '../../src/pdu/commands';
import { encodeHeader } from '../../src/servers/file/OfflineStore';
import { createTask, fileLogin, startFileServer } from './support/fileServer';

test('task ids that try to leave the storage directory are refused before any file is opened', { timeout: 30_000 }, async () => {
  const fs = await startFileServer();
  try {
    // A file outside the store that would pass the header checks if a path were ever built from
    // client text (edge.md §7 item 2).
    const outsideId = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
    const outside = path.join(path.dirname(fs.storeDir), `${path.basename(fs.storeDir)}-secret`);
    fsn.writeFileSync(outside, Buffer.concat([encodeHeader({ taskId: outsideId, fromUserId: 1, toUserId: 2, createTime: 0, fileName: 's', fileSize: 6 }), Buffer.from('secret')]));
    try {
      const evil = [
        `../${path.basename(outside)}`,
        `../../${path.basename(fs.storeDir)}-secret`,
        `ff/../../${path.basename(fs.storeDir)}-secret`,
        '/etc/passwd',
        'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
        `${outsideId}/..`,
        `${outsideId}\0`,
        '',
      ];
      for (const id of evil) {
        const r = await fileLogin(fs.server.ports.client!, 2, id, 4);
        assert.equal(r.result, 1, `login with task id ${JSON.stringify(id)} is refused`);
        await r.client.waitClosed();
      }
      assert.equal(fs.server.ctx.tasks.size, 0);
    } finally {
      fsn.rmSync(outside, { force: true });
    }
  } finally {
    await fs.stop();
  }
});

test('file names that are paths are refused at task creation; the msg_server link stays up', { timeout: 30_000 }, async () => {
  const fs = await startFileServer();
  try {
    const bad = ['../../etc/passwd', '..', '.', 'a/b.txt', 'C:\\Windows\\evil.dll', 'x\0y', ''];
    let seq = 40;
    for (const name of bad) {
      const { taskId, rsp } = await createTask(fs.link, { from: 1, to: 2, name, size: 10, mode: 2 }, ++seq);
      assert.equal(rsp.resultCode, 1, `name ${JSON.stringify(name)} is refused`);
      assert.equal(taskId, '');
    }
    assert.equal(fs.server.ctx.tasks.size, 0);
    // Original bug: a failed creation closed the link. Here the next request on it still works.
    const ok = await createTask(fs.link, { from: 1, to: 2, name: 'résumé ..final.pdf', size: 10, mode: 2 }, 77);
    assert.equal(ok.rsp.resultCode, 0);
    assert.equal(ok.rsp.fileName, 'résumé ..final.pdf');
    // Heartbeats are still echoed on the same link.
    fs.link.send(Cid.CID_OTHER_HEARTBEAT, new Uint8Array(0), { seq: 5 });
    assert.equal((await fs.link.next(Cid.CID_OTHER_HEARTBEAT)).header.seq, 5);
  } finally {
    await fs.stop();
  }
});
