import { MsgCipher } from '../../src/pdu/crypto';
import { BenchConn, ConnContext, epochMs } from './BenchConn';
import { Histogram } from './Histogram';
import { MsgServerLocator } from './MsgServerLocator';
import { defaultTransport } from '../../src/net/defaultTransport';
import { Counters, FromWorker, HIST_NAMES, HistName, WorkerPlan, WorkerReport, zeroCounters } from './types';

const SCHEDULER_MS = 5;
const MAX_ERRORS_KEPT = 20;

/**
 * All the connections of one bench process on one event loop (edge.md §5.5): ramps logins at the
 * planned rate and concurrency, then paces every sender, and every second hands the parent the
 * counters and latency histograms of that second. Runs in a forked worker (worker.ts) or, for
 * tests, in-process.
 */
export class BenchWorker {
  readonly conns: BenchConn[] = [];
  private readonly ctx: ConnContext;
  private counters: Counters = zeroCounters();
  private readonly hist: Record<HistName, Histogram>;
  private nextLogin = 0;
  private loginsInFlight = 0;
  private loginsFinished = 0;
  private loginStartedAt = 0;
  private readonly failReasons: Record<string, number> = {};
  private readonly errors: string[] = [];
  private tickTimer: NodeJS.Timeout | undefined;
  private pumpTimer: NodeJS.Timeout | undefined;
  private sendTimer: NodeJS.Timeout | undefined;
  private sendUntil = 0;
  private lastCpu = process.cpuUsage();
  private lastCpuAt = epochMs();
  private online = 0;
  private readonly groups: WorkerReport['groups'] = [];
  private readonly groupMembers = new Map<BenchConn, number[]>();

  constructor(private readonly plan: WorkerPlan, private readonly emit: (m: FromWorker) => void) {
    this.hist = { lookup: new Histogram(), login: new Histogram(), ack: new Histogram(), deliver: new Histogram() };
    const self = this;
    const transport = defaultTransport();
    this.ctx = {
      target: plan.target,
      transport,
      locator: new MsgServerLocator(transport, plan.lookupMode ?? 'each'),
      password: plan.password,
      clientType: plan.clientType,
      clientVersion: plan.clientVersion,
      loginTimeoutMs: plan.loginTimeoutMs,
      heartbeatMs: plan.heartbeatMs,
      textBytes: plan.textBytes,
      readAck: plan.readAck,
      cipher: new MsgCipher(plan.aesKey),
      get counters() { return self.counters; },
      hist: this.hist,
      loginDone: (c, ok, reason) => this.onLoginDone(c, ok, reason),
      groupReady: (c, gid) => this.onGroupReady(c, gid),
      error: (line) => this.noteError(line),
    };
    for (const s of plan.slots) this.conns.push(new BenchConn(s.index, s.name, this.ctx, s.localAddress));
  }

  /** Start the login ramp and the per-second reports. */
  start(): void {
    this.loginStartedAt = epochMs();
    this.tickTimer = setInterval(() => this.tick(), 1000);
    this.pumpTimer = setInterval(() => this.pumpLogins(), 10);
    this.pumpLogins();
  }

  private pumpLogins(): void {
    const p = this.plan;
    const allowedByRate = p.loginRate > 0
      ? Math.floor(((epochMs() - this.loginStartedAt) / 1000) * p.loginRate) + 1
      : Infinity;
    while (this.nextLogin < this.conns.length && this.loginsInFlight < p.loginConcurrency && this.nextLogin < allowedByRate) {
      this.loginsInFlight++;
      this.conns[this.nextLogin++]!.start();
    }
    if (this.nextLogin >= this.conns.length && this.pumpTimer !== undefined) {
      clearInterval(this.pumpTimer);
      this.pumpTimer = undefined;
    }
    if (this.conns.length === 0) this.finishLogins();
  }

  private onLoginDone(_c: BenchConn, ok: boolean, reason: string): void {
    this.loginsInFlight--;
    this.loginsFinished++;
    if (ok) this.online++;
    else {
      const key = reason.replace(/\d{2,}/g, 'N').slice(0, 80);
      this.failReasons[key] = (this.failReasons[key] ?? 0) + 1;
    }
    if (this.loginsFinished === this.conns.length) this.finishLogins();
    else setImmediate(() => this.pumpLogins());
  }

  private finishLogins(): void {
    this.emit({
      type: 'loggedIn',
      worker: this.plan.worker,
      uids: this.conns.filter((c) => c.state === 'ready').map((c) => [c.slot, c.uid]),
      failed: this.conns.filter((c) => c.uid === 0).length,
      reasons: { ...this.failReasons },
    });
  }

  /** Everyone is logged in everywhere: make the groups, then send for durationMs. */
  go(uids: number[], durationMs: number): void {
    const byIndex = new Map(this.plan.slots.map((s) => [s.index, s]));
    const now = epochMs();
    const interval = this.plan.ratePerSender > 0 ? 1000 / this.plan.ratePerSender : 0;
    for (const c of this.conns) {
      const spec = byIndex.get(c.slot)?.send;
      if (spec === undefined || c.state !== 'ready') continue;
      // random phase so that thousands of senders do not fire in the same millisecond
      c.nextSendAt = now + Math.random() * (interval || 1);
      if (spec.kind === 'single') {
        c.sessionId = uids[spec.peerSlot] ?? 0;
      } else {
        const members = [...new Set([c.uid, ...spec.memberSlots.map((i) => uids[i] ?? 0).filter((u) => u !== 0)])];
        this.groupMembers.set(c, members);
        c.createGroup(spec.groupName, members);
      }
    }
    this.sendUntil = now + durationMs;
    this.sendTimer = setInterval(() => this.pumpSends(), SCHEDULER_MS);
  }

  private onGroupReady(c: BenchConn, gid: number): void {
    if (gid === 0) {
      this.noteError(`${c.name}: group creation failed`);
      return;
    }
    this.groups.push({ gid, senderUid: c.uid, memberUids: this.groupMembers.get(c) ?? [] });
    c.nextSendAt = epochMs();
  }

  /**
   * Fixed-rate pacing per sender; a sender that fell behind catches up by at most one message, so
   * it never bursts past msg_server's 20-per-second cut (servers.md §4.9). In closed-loop mode
   * (window > 0) a sender also waits while `window` messages are unacked.
   */
  private pumpSends(): void {
    const now = epochMs();
    if (now >= this.sendUntil) {
      this.stopSending();
      return;
    }
    const rate = this.plan.ratePerSender;
    const interval = rate > 0 ? 1000 / rate : 0;
    const window = this.plan.window;
    for (const c of this.conns) {
      if (c.sessionId === 0 || c.state !== 'ready') continue;
      while (now >= c.nextSendAt && (window === 0 || c.unacked < window)) {
        c.sendMessage();
        c.nextSendAt = interval > 0 ? Math.max(c.nextSendAt + interval, now - interval) : now;
        if (interval === 0) break;
      }
    }
  }

  private stopSending(): void {
    if (this.sendTimer === undefined) return;
    clearInterval(this.sendTimer);
    this.sendTimer = undefined;
    this.emit({ type: 'sendDone', worker: this.plan.worker });
  }

  private tick(): void {
    const now = epochMs();
    for (const c of this.conns) c.onTick(now);
    this.ctx.locator.sweep();
    const cpu = process.cpuUsage(this.lastCpu);
    // a short final interval (the close) says nothing about steady load: not counted
    const cpuFrac = now - this.lastCpuAt < 500 ? 0 : (cpu.user + cpu.system) / 1000 / (now - this.lastCpuAt);
    this.lastCpu = process.cpuUsage();
    this.lastCpuAt = now;
    const hist = {} as Record<HistName, ReturnType<Histogram['snapshot']>>;
    for (const n of HIST_NAMES) {
      hist[n] = this.hist[n].snapshot();
      this.hist[n].reset();
    }
    this.online = this.conns.reduce((k, c) => k + (c.state === 'ready' ? 1 : 0), 0);
    this.emit({ type: 'tick', sample: { worker: this.plan.worker, at: now, counters: this.counters, hist, cpu: cpuFrac, online: this.online } });
    this.counters = zeroCounters();
  }

  report(): WorkerReport {
    const r: WorkerReport = { worker: this.plan.worker, acked: [], received: [], unacked: 0, groups: this.groups, servers: {}, userServer: {}, errors: this.errors };
    for (const c of this.conns) {
      if (c.sentCount > 0) r.acked.push({ from: c.uid, session: c.sessionId, group: c.group, sent: c.sentCount, ranges: c.acked.toRanges() });
      r.unacked += c.unacked;
      for (const [from, set] of c.received) {
        r.received.push({ to: c.uid, from, session: c.receivedSession.get(from) ?? 0, ranges: set.toRanges() });
      }
      if (c.state === 'ready' && c.server !== undefined) {
        const k = `${c.server.host}:${c.server.port}`;
        r.servers[k] = (r.servers[k] ?? 0) + 1;
        r.userServer[String(c.uid)] = k;
      }
    }
    return r;
  }

  async close(logout: boolean): Promise<void> {
    this.stopSending();
    if (this.pumpTimer !== undefined) clearInterval(this.pumpTimer);
    // a last tick so the parent gets the counts of the final partial second
    if (this.tickTimer !== undefined) {
      clearInterval(this.tickTimer);
      this.tickTimer = undefined;
      this.tick();
    }
    this.ctx.locator.closeAll();
    await Promise.all(this.conns.map((c) => c.close(logout)));
  }

  private noteError(line: string): void {
    if (this.errors.length < MAX_ERRORS_KEPT) this.errors.push(line);
  }
}
