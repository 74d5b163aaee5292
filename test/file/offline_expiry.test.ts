import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OfflineStore, HEADER_SIZE } from '../../src/servers/file/OfflineStore';
import { log } from '../../src/util/log';

const DAY = 86_400_000;

test('stored files expire after OfflineFileExpireDays; stale partial uploads are removed; live ones stay', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-file-expiry-'));
  try {
    const store = new OfflineStore(root, log);
    await store.init();
    const header = (taskId: string) => ({ taskId, fromUserId: 1, toUserId: 2, createTime: 0, fileName: 'n', fileSize: 3 });

    const oldId = '0a000000-0000-4000-8000-000000000001';
    const newId = '0b000000-0000-4000-8000-000000000002';
    for (const id of [oldId, newId]) {
      const up = await store.createUpload(header(id));
      await up.write(Buffer.from('abc'), 0);
      await up.finish();
    }
    // A crash leftover and an upload in progress.
    const staleId = '0c000000-0000-4000-8000-000000000003';
    fs.mkdirSync(path.join(root, '0c'));
    fs.writeFileSync(path.join(root, '0c', `${staleId}.part`), Buffer.alloc(HEADER_SIZE));
    const liveId = '0d000000-0000-4000-8000-000000000004';
    const live = await store.createUpload(header(liveId));
    // Not ours: never touched.
    fs.writeFileSync(path.join(root, 'README'), 'operator notes');

    const old = Date.now() - 8 * DAY;
    fs.utimesSync(store.pathOf(oldId), old / 1000, old / 1000);

    const removed = await store.sweep(Date.now(), 7 * DAY);
    assert.equal(removed, 2);
    assert.equal(fs.existsSync(store.pathOf(oldId)), false, 'the expired file is gone');
    assert.equal(fs.existsSync(store.pathOf(newId)), true, 'the recent file stays');
    assert.equal(fs.existsSync(path.join(root, '0c', `${staleId}.part`)), false, 'the stale partial is gone');
    assert.equal(fs.existsSync(`${store.pathOf(liveId)}.part`), true, 'the running upload is left alone');
    assert.equal(fs.existsSync(path.join(root, 'README')), true);
    await live.abort();
    assert.equal(fs.existsSync(`${store.pathOf(liveId)}.part`), false);

    // Expiry 0 = never.
    fs.utimesSync(store.pathOf(newId), old / 1000, old / 1000);
    assert.equal(await store.sweep(Date.now(), 0), 0);
    assert.equal(fs.existsSync(store.pathOf(newId)), true);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
