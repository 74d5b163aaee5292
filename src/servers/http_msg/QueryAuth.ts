import { createHmac, timingSafeEqual } from 'node:crypto';
import { QueryCode, QueryError } from './QueryError';

export interface AuthSettings {
  appKey: string | undefined;
  appSecret: string | undefined;
  allowedIps: string[] | undefined;
  authMaxSkewSec: number;
}

export interface SignedRequest {
  peerIp: string;
  method: string;
  target: string;
  body: Buffer;
  /** lower-case header names */
  headers: ReadonlyMap<string, string>;
  /** `app_key` from the JSON body, as the original read it */
  appKey: string;
}

export const TIMESTAMP_HEADER = 'x-tt-timestamp';
export const SIGNATURE_HEADER = 'x-tt-signature';

/** The bytes the signature covers. Exported so callers (tests, the admin) build it the same way. */
export function signingInput(timestamp: string, method: string, target: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${method}\n${target}\n`, 'utf8'), body]);
}

export function sign(secret: string, timestamp: string, method: string, target: string, body: Buffer): string {
  return createHmac('sha256', secret).update(signingInput(timestamp, method, target, body)).digest('hex');
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip.startsWith('::ffff:127.');
}

/**
 * Who may call http_msg_server. The original's check always succeeded (edge.md §3.5, §7 item 19):
 * anyone reaching the port could create groups and change any group's members as user 0.
 *
 * The scheme (documented in docs/http_msg_server.md):
 * - `AllowedIPs` (optional): the peer address must be listed, else code 6 (HTTP 403).
 * - `AppKey` + `AppSecret` configured: the JSON `app_key` must equal AppKey, and the request must
 *   carry `X-TT-Timestamp` (Unix seconds, within AuthMaxSkewSec of our clock) and `X-TT-Signature`
 *   = lower-case hex HMAC-SHA256(AppSecret, "<timestamp>\n<METHOD>\n<target>\n" + raw body bytes).
 *   A signature is accepted once (replays inside the time window are refused). Any failure is
 *   code 2 (HTTP 401). The secret itself never travels.
 * - Neither configured: the original's behaviour (no credentials) but only for loopback peers,
 *   so an unconfigured server cannot be driven from the network; others get code 6.
 */
export class QueryAuth {
  private readonly seen = new Map<string, number>();

  constructor(private readonly s: AuthSettings) {}

  get mode(): 'signed' | 'loopback-only' {
    return this.s.appKey !== undefined ? 'signed' : 'loopback-only';
  }

  /** Before anything of the request is read. */
  checkPeer(ip: string): void {
    if (this.s.allowedIps !== undefined && !this.s.allowedIps.includes(ip) && !this.s.allowedIps.includes(ip.replace(/^::ffff:/, ''))) {
      throw new QueryError(QueryCode.IP_NOT_ALLOWED, `peer ${ip} not in AllowedIPs`, 403);
    }
    if (this.mode === 'loopback-only' && !isLoopback(ip)) {
      throw new QueryError(QueryCode.IP_NOT_ALLOWED, `peer ${ip} refused: no AppKey configured, only loopback callers are served`, 403);
    }
  }

  /** After the body is parsed and app_key read. */
  checkRequest(r: SignedRequest, nowSec: number): void {
    const { appKey, appSecret } = this.s;
    if (appKey === undefined || appSecret === undefined) return;
    const fail = (why: string): never => { throw new QueryError(QueryCode.APP_KEY, why, 401); };
    if (!safeEqual(r.appKey, appKey)) fail('unknown app_key');
    const ts = r.headers.get(TIMESTAMP_HEADER);
    const sig = r.headers.get(SIGNATURE_HEADER);
    if (ts === undefined || sig === undefined) fail('missing X-TT-Timestamp or X-TT-Signature');
    if (!/^\d{1,12}$/.test(ts!)) fail('malformed X-TT-Timestamp');
    if (Math.abs(Number(ts) - nowSec) > this.s.authMaxSkewSec) fail('X-TT-Timestamp outside the accepted window');
    const expected = sign(appSecret, ts!, r.method, r.target, r.body);
    if (!safeEqual(sig!.toLowerCase(), expected)) fail('bad signature');
    this.forgetOld(nowSec);
    if (this.seen.has(expected)) fail('replayed signature');
    this.seen.set(expected, Number(ts) + this.s.authMaxSkewSec);
  }

  private forgetOld(nowSec: number): void {
    for (const [k, until] of this.seen) if (until < nowSec) this.seen.delete(k);
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
