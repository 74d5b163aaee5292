import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { until } from './support/transports';
import { CID_ECHO } from './support/EchoConn';
import { FrameClient, frame } from './support/FrameClient';

const child = path.join(__dirname, 'support', 'lowFdServer.js');

function cpuTicks(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (1/100 s)
}

describe('accept when the process is out of descriptors (native)', () => {
  it('logs, does not spin, and accepts the waiting clients once descriptors are free', { timeout: 30_000 }, async () => {
    const proc = spawn('sh', ['-c', `ulimit -n 40 && exec "${process.execPath}" "${child}"`], {
      env: { ...process.env, LOG_LEVEL: 'info', TT_TRANSPORT: 'native' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: Array<Record<string, unknown>> = [];
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) { lines.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>); buf = buf.slice(nl + 1); }
    });
    const clients: FrameClient[] = [];
    try {
      await until(() => lines.some((l) => typeof l.port === 'number'), 10_000, 'child listening');
      const port = lines.find((l) => typeof l.port === 'number')!.port as number;
      for (let i = 0; i < 40; i++) clients.push(await FrameClient.connect(port)); // the kernel completes them all (backlog)
      clients.forEach((c, i) => c.send(frame(CID_ECHO, `c${i}`, i)));
      await until(() => lines.some((l) => String(l.msg).includes('out of file descriptors')), 5000, 'the EMFILE log line');
      await until(() => clients.filter((c) => c.frames.length === 1).length > 0, 5000, 'some echoes');
      await new Promise((r) => setTimeout(r, 200));
      const served = clients.filter((c) => c.frames.length === 1);
      const waiting = clients.filter((c) => c.frames.length === 0);
      assert.ok(waiting.length > 0, 'some clients wait in the backlog');

      // Level-triggered accept on an exhausted process must not busy-loop.
      const t0 = cpuTicks(proc.pid!);
      await new Promise((r) => setTimeout(r, 1000));
      const used = cpuTicks(proc.pid!) - t0;
      assert.ok(used < 20, `child used ${used} ticks (of 100) while out of descriptors`);

      for (const c of served) c.destroy();
      await until(() => waiting.every((c) => c.frames.length === 1), 10_000, 'the waiting clients are served');
      assert.ok(waiting.every((c) => !c.closed));
      // Log lines are buffered (src/util/log.ts): the resume line follows within the flush interval.
      await until(() => lines.some((l) => String(l.msg).includes('listener resumed')), 2000, 'the resume log line');
    } finally {
      for (const c of clients) c.destroy();
      proc.kill('SIGKILL');
    }
  });
});
