import type { Logger } from '../../util/log';
import { CLIENT_TYPE_ANDROID, CLIENT_TYPE_IOS, Notification } from './Notification';
import type { PushProvider } from './providers/PushProvider';
import type { PushStats } from './PushStats';

/** IMPushToUserRsp result codes: 0 handed to the platform, 1 not delivered (edge.md §4.5). */
export const RESULT_OK = 0;
export const RESULT_FAILED = 1;

/** Default for `MaxParallelPushes`: provider requests in flight per push request. */
export const DEFAULT_MAX_PARALLEL = 16;

/**
 * Chooses the provider per token (iOS → APNs, Android → FCM, either → the log provider when that
 * platform has no credentials) and turns every outcome into a result code. Never rejects.
 *
 * A push request may carry tens of thousands of tokens (a 4 MiB PDU): at most `maxParallel` of them
 * are with a provider at once, so one request cannot open thousands of HTTP/2 streams or FCM
 * requests (and as many timers and buffers) in one go. Each request has its own limit, so a huge
 * one does not hold up the small 1:1 pushes behind it.
 */
export class PushDispatcher {
  constructor(
    private readonly providers: { ios: PushProvider | undefined; android: PushProvider | undefined; log: PushProvider },
    readonly stats: PushStats,
    private readonly log: Logger,
    private readonly maxParallel = DEFAULT_MAX_PARALLEL,
  ) {}

  private providerFor(clientType: number): PushProvider | undefined {
    if (clientType === CLIENT_TYPE_IOS) return this.providers.ios ?? this.providers.log;
    if (clientType === CLIENT_TYPE_ANDROID) return this.providers.android ?? this.providers.log;
    return undefined;
  }

  /** One result per notification, in order; `maxParallel` workers take the next one as they finish. */
  async deliverAll(list: Notification[]): Promise<number[]> {
    const results = new Array<number>(list.length).fill(RESULT_FAILED);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < list.length) {
        const i = next++;
        results[i] = await this.deliver(list[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.maxParallel, list.length) }, worker));
    return results;
  }

  async deliver(n: Notification): Promise<number> {
    this.stats.notifications++;
    const p = this.providerFor(n.clientType);
    if (!p) {
      // edge.md §4.5 step 1: PC tokens are never pushed.
      this.stats.skipped++;
      return RESULT_FAILED;
    }
    let ok = false;
    let reason = 'unknown';
    try {
      const o = await p.send(n);
      ok = o.ok;
      reason = o.reason ?? reason;
    } catch (err) {
      // Providers are written never to reject; if one does, it is a bug worth a loud line.
      this.log.error({ err, provider: p.name }, 'push provider threw');
      reason = 'provider error';
    }
    if (ok) {
      this.stats.delivered++;
      return RESULT_OK;
    }
    if (p === this.providers.log) this.stats.logged++;
    else {
      this.stats.countFailure(reason);
      this.log.warn({ provider: p.name, userId: n.userId, reason }, 'push not delivered');
    }
    return RESULT_FAILED;
  }

  async close(): Promise<void> {
    await Promise.all([this.providers.ios?.close(), this.providers.android?.close(), this.providers.log.close()]);
  }
}
