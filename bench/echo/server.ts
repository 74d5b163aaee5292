// The bench server: Conn framing on the transport TT_TRANSPORT selects (native | net).
// Prints "PORT <n>"; on SIGUSR2 runs a GC (when --expose-gc) and prints "MEM <json>".
import { defaultTransport } from '../../src/net/defaultTransport';
import { BenchEchoConn } from './EchoConn';

async function main(): Promise<void> {
  const transport = defaultTransport();
  const conns = new Set<BenchEchoConn>();
  const listener = await transport.listen('127.0.0.1', 0, ({ id, peerIp, peerPort }) => {
    const c = new BenchEchoConn(transport);
    c.id = id; c.peerIp = peerIp; c.peerPort = peerPort;
    conns.add(c);
    return c;
  }, 4096);
  process.on('SIGUSR2', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) { gc(); gc(); }
    const stats = 'stats' in transport ? (transport as { stats(): unknown }).stats() : undefined;
    process.stdout.write(`MEM ${JSON.stringify({ ...process.memoryUsage(), conns: conns.size, stats })}\n`);
  });
  process.on('SIGTERM', () => { listener.close(); process.exit(0); });
  process.stdout.write(`TRANSPORT ${transport.kind}\nPORT ${listener.port}\n`);
}

main().catch((err) => { console.error(err); process.exit(1); });
