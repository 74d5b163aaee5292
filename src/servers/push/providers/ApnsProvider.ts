import * as http2 from 'node:http2';
import type { KeyObject } from 'node:crypto';
import type { Logger } from '../../../util/log';
import { apnsHeaders, apnsPayload, APNS_MAX_PAYLOAD, isApnsToken } from '../apnsPayload';
import { signJwt } from '../jwt';
import type { Notification } from '../Notification';
import type { PushOutcome, PushProvider } from './PushProvider';

export interface ApnsOptions {
  host: string;
  port: number;
  /** The .p8 token-signing key (P-256). */
  key: KeyObject;
  keyId: string;
  teamId: string;
  /** The app's bundle id. */
  topic: string;
  /** Extra trusted CA (private gateway, tests); the system CAs otherwise. */
  ca?: Buffer;
  timeoutMs: number;
}

/** Apple asks for a new provider token between 20 and 60 minutes; refreshing more often is refused. */
const TOKEN_LIFETIME_MS = 50 * 60_000;

/**
 * APNs over HTTP/2 with token-based authentication, replacing the original's legacy binary protocol
 * that Apple retired in 2021 (edge.md §4.6, §7 item 23). One multiplexed session, reopened on
 * demand after it breaks; a request that gets no answer in time is a failure (result 1), never the
 * original's "handed over, so success".
 */
export class ApnsProvider implements PushProvider {
  readonly name = 'apns';
  private session: http2.ClientHttp2Session | undefined;
  private token: { jwt: string; at: number } | undefined;

  constructor(private readonly opts: ApnsOptions, private readonly log: Logger) {}

  private providerToken(now: number): string {
    if (!this.token || now - this.token.at > TOKEN_LIFETIME_MS) {
      const jwt = signJwt('ES256', { kid: this.opts.keyId }, { iss: this.opts.teamId, iat: Math.floor(now / 1000) }, this.opts.key);
      this.token = { jwt, at: now };
    }
    return this.token.jwt;
  }

  private connect(): http2.ClientHttp2Session {
    const s = this.session;
    if (s && !s.closed && !s.destroyed) return s;
    const session = http2.connect(`https://${this.opts.host}:${this.opts.port}`, this.opts.ca ? { ca: this.opts.ca } : {});
    const forget = (): void => { if (this.session === session) this.session = undefined; };
    session.on('error', (err) => { this.log.warn({ err: err.message }, 'APNs connection error'); forget(); });
    session.on('goaway', forget);
    session.on('close', forget);
    // An idle session must not keep the process alive after stop().
    session.unref();
    this.session = session;
    return session;
  }

  async send(n: Notification): Promise<PushOutcome> {
    if (!isApnsToken(n.token)) return { ok: false, reason: 'malformed device token' };
    const body = Buffer.from(JSON.stringify(apnsPayload(n)), 'utf8');
    if (body.length > APNS_MAX_PAYLOAD) return { ok: false, reason: `payload of ${body.length} bytes` };
    const now = Date.now();
    let session: http2.ClientHttp2Session;
    try {
      session = this.connect();
    } catch (err) {
      return { ok: false, reason: `connect: ${(err as Error).message}` };
    }
    const headers = {
      ':method': 'POST',
      ':path': `/3/device/${n.token}`,
      authorization: `bearer ${this.providerToken(now)}`,
      ...apnsHeaders(n, this.opts.topic, Math.floor(now / 1000)),
    };
    return new Promise<PushOutcome>((resolve) => {
      let settled = false;
      const done = (o: PushOutcome): void => { if (!settled) { settled = true; resolve(o); } };
      let req: http2.ClientHttp2Stream;
      try {
        req = session.request(headers);
      } catch (err) {
        done({ ok: false, reason: `request: ${(err as Error).message}` });
        return;
      }
      let status = 0;
      const chunks: Buffer[] = [];
      req.setTimeout(this.opts.timeoutMs, () => {
        req.close(http2.constants.NGHTTP2_CANCEL);
        done({ ok: false, reason: 'timeout' });
      });
      req.on('response', (h) => { status = Number(h[':status'] ?? 0); });
      req.on('data', (c: Buffer) => { if (chunks.length < 16) chunks.push(c); });
      req.on('error', (err) => done({ ok: false, reason: err.message }));
      req.on('end', () => {
        if (status === 200) { done({ ok: true }); return; }
        let reason = `HTTP ${status}`;
        try {
          const j = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { reason?: unknown };
          if (typeof j.reason === 'string') reason = j.reason;
        } catch { /* no JSON body: keep the status */ }
        if (reason === 'ExpiredProviderToken' || reason === 'InvalidProviderToken') this.token = undefined;
        done({ ok: false, reason });
      });
      req.end(body);
    });
  }

  async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s && !s.closed) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
