import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { makeTransport, until } from './support/transports';
import { CID_ECHO, startEchoServer } from './support/EchoConn';
import { FrameClient, frame } from './support/FrameClient';

const script = path.join(__dirname, 'support', 'workerEcho.js');
const fdCount = (): number => fs.readdirSync('/proc/self/fd').length;

function runWorker(mode: 'roundtrip' | 'hold'): { worker: Worker; first: Promise<{ echoed?: string; error?: string }>; exit: Promise<number> } {
  const worker = new Worker(script, { workerData: { mode }, env: { ...process.env, LOG_LEVEL: 'silent' } });
  const first = new Promise<{ echoed?: string; error?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const exit = new Promise<number>((resolve) => worker.once('exit', resolve));
  return { worker, first, exit };
}

describe('the addon in worker threads', () => {
  it('loads, echoes and unloads in two workers at once, then exits on its own', { timeout: 30_000 }, async () => {
    const before = fdCount();
    const runs = [runWorker('roundtrip'), runWorker('roundtrip')];
    for (const r of runs) assert.deepEqual(await r.first, { echoed: 'from worker', port: (await r.first as { port: number }).port });
    const codes = await Promise.all(runs.map((r) => r.exit));
    assert.deepEqual(codes, [0, 0]);
    await until(() => fdCount() <= before, 3000, `descriptors back to ${before}`);
  });

  it('a terminated worker with open sockets releases every descriptor; the main thread is unaffected', { timeout: 30_000 }, async () => {
    // The main thread uses the addon too, before and after.
    const srv = await startEchoServer(makeTransport('native'));
    const c = await FrameClient.connect(srv.port);
    try {
      const before = fdCount();
      const r = runWorker('hold');
      assert.equal((await r.first).echoed, 'from worker');
      assert.ok(fdCount() > before, 'the worker holds descriptors');
      await r.worker.terminate();
      await r.exit;
      await until(() => fdCount() <= before, 3000, `descriptors back to ${before}`);
      c.send(frame(CID_ECHO, 'main', 1));
      const [echo] = await c.waitFrames(1);
      assert.equal(echo!.subarray(16).toString(), 'main');
    } finally {
      c.destroy(); srv.close();
    }
  });
});
