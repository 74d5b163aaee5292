import * as https from 'node:https';
import type { KeyObject } from 'node:crypto';
import type { Logger } from '../../../util/log';
import { fcmMessage, isFcmToken } from '../fcmMessage';
import { signJwt } from '../jwt';
import type { Notification } from '../Notification';
import { httpsRequest } from './httpsJson';
import type { PushOutcome, PushProvider } from './PushProvider';

export interface FcmOptions {
  projectId: string;
  clientEmail: string;
  /** The service account's RSA private key. */
  key: KeyObject;
  /** OAuth2 token endpoint from the service-account file (token_uri). */
  tokenUri: string;
  /** Base URL of the FCM API. */
  endpoint: string;
  ca?: Buffer;
  timeoutMs: number;
}

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

/**
 * Firebase Cloud Messaging HTTP v1 for Android tokens (the original had no Android push at all,
 * edge.md §7 item 25). Authenticates as a service account: an RS256-signed JWT is exchanged for an
 * OAuth2 access token, cached until shortly before it expires.
 */
export class FcmProvider implements PushProvider {
  readonly name = 'fcm';
  private readonly agent: https.Agent;
  private access: { token: string; expiresAt: number } | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(private readonly opts: FcmOptions, private readonly log: Logger) {
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 16, ...(opts.ca ? { ca: opts.ca } : {}) });
  }

  private async accessToken(): Promise<string> {
    const now = Date.now();
    if (this.access && now < this.access.expiresAt) return this.access.token;
    // One exchange at a time: concurrent sends share it.
    this.pendingToken ??= this.exchange(now).finally(() => { this.pendingToken = undefined; });
    return this.pendingToken;
  }

  private async exchange(now: number): Promise<string> {
    const iat = Math.floor(now / 1000);
    const assertion = signJwt('RS256', {}, { iss: this.opts.clientEmail, scope: SCOPE, aud: this.opts.tokenUri, iat, exp: iat + 3600 }, this.opts.key);
    const res = await httpsRequest(new URL(this.opts.tokenUri), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
      agent: this.agent,
      timeoutMs: this.opts.timeoutMs,
    });
    if (res.status !== 200) throw new Error(`token endpoint answered HTTP ${res.status}`);
    const j = JSON.parse(res.body) as { access_token?: unknown; expires_in?: unknown };
    if (typeof j.access_token !== 'string') throw new Error('token endpoint answered without access_token');
    const ttl = typeof j.expires_in === 'number' ? j.expires_in : 3600;
    this.access = { token: j.access_token, expiresAt: now + Math.max(60, ttl - 60) * 1000 };
    return j.access_token;
  }

  async send(n: Notification): Promise<PushOutcome> {
    if (!isFcmToken(n.token)) return { ok: false, reason: 'malformed registration token' };
    try {
      const token = await this.accessToken();
      const url = new URL(`/v1/projects/${encodeURIComponent(this.opts.projectId)}/messages:send`, this.opts.endpoint);
      const res = await httpsRequest(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(fcmMessage(n)),
        agent: this.agent,
        timeoutMs: this.opts.timeoutMs,
      });
      if (res.status === 200) return { ok: true };
      if (res.status === 401) this.access = undefined;
      let reason = `HTTP ${res.status}`;
      try {
        const j = JSON.parse(res.body) as { error?: { status?: unknown } };
        if (typeof j.error?.status === 'string') reason = j.error.status;
      } catch { /* keep the status */ }
      return { ok: false, reason };
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}
