// Child process for the descriptor-exhaustion test: a native echo server started under a small
// `ulimit -n`. Prints {"port": N} on stdout; pino's log lines follow on the same stream.
import { NativeTransport } from '../../../src/net/NativeTransport';
import { startEchoServer } from './EchoConn';

startEchoServer(new NativeTransport()).then(
  (srv) => { process.stdout.write(JSON.stringify({ port: srv.port }) + '\n'); },
  (err) => { console.error(err); process.exit(1); },
);
