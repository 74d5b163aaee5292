import * as https from 'node:https';

export interface HttpsResult {
  status: number;
  body: string;
}

/** One HTTPS request with a bounded wait and a bounded answer (64 KiB kept). Rejects on network errors. */
export function httpsRequest(url: URL, opts: { method: string; headers: Record<string, string>; body: string; agent: https.Agent; timeoutMs: number }): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: opts.method, headers: { ...opts.headers, 'content-length': String(Buffer.byteLength(opts.body)) }, agent: opts.agent }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => { if (size < 65536) { chunks.push(c); size += c.length; } });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}
