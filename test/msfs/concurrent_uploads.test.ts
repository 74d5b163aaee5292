import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startMsfs, upload, get } from './support/msfsHarness';

test('concurrent uploads get distinct paths, fill directories in counter order and all download intact', async () => {
  const m = await startMsfs({ FilesPerDir: 4 });
  try {
    const N = 24;
    const payloads = Array.from({ length: N }, (_, i) => randomBytes(20_000 + i * 997));
    const results = await Promise.all(payloads.map((p, i) => upload(m.port, `f${i}.dat`, p)));
    const paths = results.map((r) => { assert.equal(r.json.error_code, 0); return r.json.path!; });
    assert.equal(new Set(paths).size, N, 'every upload has its own path');

    // FilesPerDir=4: exactly 4 files in each of 000/000 .. 000/005.
    const perDir = new Map<string, number>();
    for (const p of paths) {
      const dir = p.split('/').slice(1, 3).join('/');
      perDir.set(dir, (perDir.get(dir) ?? 0) + 1);
    }
    assert.deepEqual([...perDir.keys()].sort(), ['000/000', '000/001', '000/002', '000/003', '000/004', '000/005']);
    for (const n of perDir.values()) assert.equal(n, 4);

    const downloads = await Promise.all(paths.map((p) => get(m.port, `/${p}`)));
    downloads.forEach((d, i) => assert.ok(d.body.equals(payloads[i]!), `file ${i} intact`));
  } finally {
    await m.server.stop();
  }
});
