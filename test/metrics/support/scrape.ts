import * as http from 'node:http';

export interface Scrape {
  status: number;
  contentType: string;
  body: string;
}

/** One HTTP request to a metrics endpoint on loopback. */
export function scrape(port: number, path = '/metrics', method = 'GET'): Promise<Scrape> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('metrics request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * The value of one sample in the Prometheus text format, or undefined when absent. `labels`
 * must match the sample's labels exactly (order as printed by prom-client).
 */
export function sample(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const keys = Object.keys(labels);
  const want = keys.length === 0 ? name : `${name}{${keys.map((k) => `${k}="${labels[k]}"`).join(',')}}`;
  for (const line of body.split('\n')) {
    if (line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    if (sp > 0 && line.slice(0, sp) === want) return Number(line.slice(sp + 1));
  }
  return undefined;
}

/** Scrape and read one sample; fails loudly when the sample is missing. */
export async function valueOf(port: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const { body } = await scrape(port);
  const v = sample(body, name, labels);
  if (v === undefined) throw new Error(`sample ${name}${JSON.stringify(labels)} missing from /metrics`);
  return v;
}

/** Poll until `pred` holds for the sample (metrics move asynchronously after socket events). */
export async function waitFor(port: number, name: string, pred: (v: number) => boolean, labels: Record<string, string> = {}, timeoutMs = 5000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const v = await valueOf(port, name, labels);
    if (pred(v)) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`sample ${name}${JSON.stringify(labels)} stayed at ${v}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
