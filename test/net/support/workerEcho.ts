// Runs inside a worker thread: its own copy of the addon's loop (per-environment instance data).
// mode 'roundtrip': echo one frame through a native server and exit by itself (nothing left open).
// mode 'hold': open a server and a connection, report, and wait to be terminated.
import { parentPort, workerData } from 'node:worker_threads';
import { NativeTransport } from '../../../src/net/NativeTransport';
import { CID_ECHO, startEchoServer } from './EchoConn';
import { FrameClient, frame } from './FrameClient';

async function main(): Promise<void> {
  const { mode } = workerData as { mode: 'roundtrip' | 'hold' };
  const t = new NativeTransport();
  const srv = await startEchoServer(t);
  const c = await FrameClient.connect(srv.port);
  c.send(frame(CID_ECHO, 'from worker', 3));
  const [r] = await c.waitFrames(1);
  parentPort!.postMessage({ echoed: r!.subarray(16).toString(), port: srv.port });
  if (mode === 'roundtrip') {
    c.destroy();
    srv.close();
    // Nothing else: the worker must exit on its own once the sockets are gone.
  }
}

main().catch((err) => { parentPort!.postMessage({ error: String(err) }); process.exit(1); });
