// The native loop hands JS the ready sockets of one epoll_wait in slices (32 by default,
// TT_NET_SOCKETS_PER_CALL in benchmarks) and sends each slice's replies before reading the next
// (native/Loop.cc, RunBatch). Whatever the slice size, every client gets exactly its own reply, and
// a connection closed by its handler in one slice still gets its reply and then EOF.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

const script = path.join(__dirname, 'support', 'workerSlices.js');
const CONNS = 300;

interface Report { got?: string[]; calls?: number; events?: number; error?: string }

function run(socketsPerCall: string | undefined): Promise<Report> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
  if (socketsPerCall === undefined) delete env.TT_NET_SOCKETS_PER_CALL; else env.TT_NET_SOCKETS_PER_CALL = socketsPerCall;
  const worker = new Worker(script, { workerData: { conns: CONNS }, env });
  return new Promise<Report>((resolve, reject) => {
    worker.once('message', (m: Report) => { resolve(m); void worker.terminate(); });
    worker.once('error', reject);
  });
}

function expected(): string[] {
  return Array.from({ length: CONNS }, (_, i) => `${i}:client ${i}${i % 2 ? ':closed' : ''}`);
}

describe('readiness slices', () => {
  for (const size of ['1', '7', '64', undefined]) {
    it(`${CONNS} clients at once, ${size ?? 'default'} sockets per JS call: every reply right, closes after their reply`, { timeout: 30_000 }, async () => {
      const r = await run(size);
      assert.equal(r.error, undefined);
      assert.deepEqual(r.got, expected());
      if (size !== undefined) {
        // Each epoll_wait of n ready sockets makes at least ceil(n / size) JS calls.
        assert.ok(r.calls! >= Math.ceil(r.events! / Number(size)), `calls ${r.calls} for ${r.events} events`);
      }
    });
  }
});
