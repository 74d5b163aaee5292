// Runs inside a worker thread (its own native loop, so TT_NET_SOCKETS_PER_CALL from the worker's
// env applies): `conns` clients send one frame each at once; every other one asks the server to
// close after replying. Reports what each client got and how many JS calls the loop made.
import { parentPort, workerData } from 'node:worker_threads';
import { NativeTransport } from '../../../src/net/NativeTransport';
import { CID_CLOSE_AFTER_REPLY, CID_ECHO, startEchoServer } from './EchoConn';
import { FrameClient, frame, headerOf } from './FrameClient';

async function main(): Promise<void> {
  const { conns } = workerData as { conns: number };
  const t = new NativeTransport();
  const srv = await startEchoServer(t);
  const clients = await Promise.all(Array.from({ length: conns }, () => FrameClient.connect(srv.port)));
  const before = t.stats();
  clients.forEach((c, i) => c.send(frame(i % 2 ? CID_CLOSE_AFTER_REPLY : CID_ECHO, `client ${i}`, i)));
  const replies = await Promise.all(clients.map((c) => c.waitFrames(1, 10_000)));
  const closed = await Promise.all(clients.map((c, i) => (i % 2 ? c.closedP.then(() => true) : Promise.resolve(false))));
  const after = t.stats();
  const got = replies.map(([f], i) => (f ? `${headerOf(f).seq}:${f.subarray(16).toString()}${closed[i] ? ':closed' : ''}` : 'none'));
  for (const c of clients) c.destroy();
  srv.close();
  parentPort!.postMessage({ got, calls: after.batches - before.batches, events: after.events - before.events });
}

main().catch((err) => { parentPort!.postMessage({ error: String(err) }); process.exit(1); });
