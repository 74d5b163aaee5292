import * as fs from 'node:fs';
import type { Logger } from '../../../util/log';
import type { Notification } from '../Notification';
import type { PushOutcome, PushProvider } from './PushProvider';

/**
 * The provider used when no credentials are configured for a token's platform (edge.md §4.7
 * Rewrite): it records what would have been sent (one JSON line per notification, in `PushLogPath`
 * if set, otherwise in the server log) and reports it as not delivered (result 1): the original
 * reported success for frames it threw away.
 */
export class LogProvider implements PushProvider {
  readonly name = 'log';
  recorded = 0;
  private readonly out: fs.WriteStream | undefined;

  constructor(private readonly log: Logger, logPath: string | undefined) {
    if (logPath) {
      this.out = fs.createWriteStream(logPath, { flags: 'a', mode: 0o640 });
      this.out.on('error', (err) => log.error({ err, logPath }, 'push log file failed; recording to the server log only'));
    }
  }

  async send(n: Notification): Promise<PushOutcome> {
    this.recorded++;
    const rec = {
      time: new Date().toISOString(),
      userId: n.userId,
      clientType: n.clientType,
      token: n.token,
      badge: n.badge,
      silent: n.silent,
      flash: n.flash,
      data: n.data,
    };
    if (this.out && this.out.writable) this.out.write(`${JSON.stringify(rec)}\n`);
    else this.log.info({ push: rec }, 'push not delivered (no provider configured); recorded');
    return { ok: false, reason: 'no provider configured' };
  }

  close(): Promise<void> {
    const out = this.out;
    if (!out) return Promise.resolve();
    return new Promise((resolve) => out.end(resolve));
  }
}
