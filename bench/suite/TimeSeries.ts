import { Histogram } from './Histogram';
import { addCounters, Counters, HIST_NAMES, HistName, TickSample, zeroCounters } from './types';

export interface SeriesPoint {
  /** seconds since the run started */
  t: number;
  phase: string;
  rates: Counters;
  /** latency percentiles of this second, ms */
  p50: Record<HistName, number>;
  p99: Record<HistName, number>;
  online: number;
  clientCpu: number;
}

interface Bucket {
  counters: Counters;
  hist: Record<HistName, Histogram>;
  online: Map<number, number>;
  cpu: Map<number, number>;
  phase: string;
}

const newHists = (): Record<HistName, Histogram> =>
  ({ lookup: new Histogram(), login: new Histogram(), ack: new Histogram(), deliver: new Histogram() });

/**
 * Adds up the workers' per-second samples by wall-clock second, keeping per-phase totals: what the
 * table (totals), the JSON (the series) and the SVG chart (throughput and percentiles over time) show.
 */
export class TimeSeries {
  private readonly buckets = new Map<number, Bucket>();
  readonly totals: Counters = zeroCounters();
  readonly hist: Record<HistName, Histogram> = newHists();
  /** per phase: counters and when it started/ended (epoch ms) */
  readonly phases = new Map<string, { counters: Counters; start: number; end: number }>();
  phase = 'login';
  maxClientCpu = 0;
  private readonly perWorkerCpu = new Map<number, number>();

  constructor(readonly t0: number) {}

  setPhase(name: string, at: number): void {
    const prev = this.phases.get(this.phase);
    if (prev !== undefined) prev.end = at;
    this.phase = name;
    if (!this.phases.has(name)) this.phases.set(name, { counters: zeroCounters(), start: at, end: at });
  }

  add(s: TickSample): void {
    const sec = Math.max(0, Math.floor((s.at - this.t0) / 1000));
    let b = this.buckets.get(sec);
    if (b === undefined) {
      b = { counters: zeroCounters(), hist: newHists(), online: new Map(), cpu: new Map(), phase: this.phase };
      this.buckets.set(sec, b);
    }
    addCounters(b.counters, s.counters);
    addCounters(this.totals, s.counters);
    const ph = this.phases.get(this.phase);
    if (ph !== undefined) {
      addCounters(ph.counters, s.counters);
      ph.end = s.at;
    }
    for (const n of HIST_NAMES) {
      b.hist[n].merge(s.hist[n]);
      this.hist[n].merge(s.hist[n]);
    }
    b.online.set(s.worker, s.online);
    b.cpu.set(s.worker, s.cpu);
    this.perWorkerCpu.set(s.worker, s.cpu);
    this.maxClientCpu = Math.max(this.maxClientCpu, s.cpu);
  }

  /** workers whose last second used more than `limit` of a core */
  busyWorkers(limit: number): number[] {
    return [...this.perWorkerCpu].filter(([, c]) => c > limit).map(([w]) => w);
  }

  points(): SeriesPoint[] {
    const secs = [...this.buckets.keys()].sort((a, b) => a - b);
    return secs.map((t) => {
      const b = this.buckets.get(t)!;
      const p50 = {} as Record<HistName, number>;
      const p99 = {} as Record<HistName, number>;
      for (const n of HIST_NAMES) {
        p50[n] = b.hist[n].quantile(0.5) / 1000;
        p99[n] = b.hist[n].quantile(0.99) / 1000;
      }
      const sum = (m: Map<number, number>): number => [...m.values()].reduce((a, v) => a + v, 0);
      return { t, phase: b.phase, rates: b.counters, p50, p99, online: sum(b.online), clientCpu: Math.max(0, ...b.cpu.values()) };
    });
  }
}
