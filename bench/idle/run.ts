// bench/idle: user-space memory per idle connection at 15,000 connections: the addon server vs
// the same server on Node's net. RSS (VmRSS) of the server after a GC, before and after the
// native client opened the connections and did one echo on each (so every connection object
// exists). Kernel socket memory is not in RSS. Usage: npm run bench:idle [-- --conns 15000]
import * as path from 'node:path';
import { Proc, ROOT, buildTools, fmt, rssBytes } from '../echo/benchlib';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

interface Mem { rss: number; heapUsed: number; external: number; arrayBuffers: number }

async function snapshot(server: Proc, nth: number): Promise<{ rss: number; mem: Mem }> {
  server.child.kill('SIGUSR2');
  const deadline = Date.now() + 30_000;
  while (server.lines.filter((l) => l.startsWith('MEM ')).length < nth) {
    if (Date.now() > deadline) throw new Error('no MEM line');
    await new Promise((r) => setTimeout(r, 100));
  }
  const line = server.lines.filter((l) => l.startsWith('MEM '))[nth - 1]!;
  await new Promise((r) => setTimeout(r, 300));
  return { rss: rssBytes(server.child.pid!), mem: JSON.parse(line.slice(4)) as Mem };
}

async function measure(kind: 'native' | 'net', client: string, conns: number): Promise<{ perConn: number; heapPerConn: number; rss0: number; rss1: number }> {
  const serverJs = path.join(ROOT, 'dist', 'bench', 'echo', 'server.js');
  const server = Proc.start(process.execPath, ['--expose-gc', serverJs], { TT_TRANSPORT: kind, LOG_LEVEL: 'warn' });
  try {
    const port = Number((await server.line('PORT ')).slice(5));
    const s0 = await snapshot(server, 1);
    const c = Proc.start(client, ['idle', '127.0.0.1', String(port), String(conns)]);
    try {
      await c.line('READY', 120_000);
      await new Promise((r) => setTimeout(r, 500));
      const s1 = await snapshot(server, 2);
      return {
        perConn: (s1.rss - s0.rss) / conns,
        heapPerConn: (s1.mem.heapUsed - s0.mem.heapUsed) / conns,
        rss0: s0.rss,
        rss1: s1.rss,
      };
    } finally {
      c.child.stdin!.end();
      await c.exited;
    }
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const conns = Number(arg('conns', '15000'));
  const { client } = buildTools();
  console.log(`bench/idle: server RSS per idle connection at ${fmt(conns)} connections (after GC; kernel socket memory excluded)`);
  const a = await measure('native', client, conns);
  const n = await measure('net', client, conns);
  const row = (name: string, r: typeof a) =>
    console.log(`${name.padEnd(6)} | RSS ${fmt(r.rss0 / 2 ** 20, 1).padStart(6)} -> ${fmt(r.rss1 / 2 ** 20, 1).padStart(6)} MiB | ${fmt(r.perConn).padStart(6)} B/conn RSS | ${fmt(r.heapPerConn).padStart(5)} B/conn JS heap`);
  row('addon', a);
  row('net', n);
  console.log(`addon/net memory per connection: ${fmt(a.perConn / n.perConn, 2)}x (target: addon <= 1,536 B/conn: ${a.perConn <= 1536 ? 'met' : 'NOT met'})`);
}

main().catch((err) => { console.error(err); process.exit(1); });
