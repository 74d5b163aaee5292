/**
 * A hand-written SVG line chart (no browser, no library): stacked panels sharing the time axis,
 * e.g. throughput on top and latency percentiles below. Log-scale panels suit latencies, which
 * span from sub-millisecond to seconds within one run.
 */

export interface ChartSeries {
  name: string;
  /** [x, y]; points with a non-finite y or y <= 0 on a log panel are gaps */
  points: Array<[number, number]>;
  color?: string;
  dashed?: boolean;
}

export interface ChartPanel {
  title: string;
  unit: string;
  log?: boolean;
  series: ChartSeries[];
}

export interface ChartSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  panels: ChartPanel[];
  /** shaded spans on the x axis, e.g. the phases of a run */
  bands?: Array<{ name: string; from: number; to: number }>;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const W = 960;
const PANEL_H = 250;
const M = { left: 70, right: 170, top: 72, gap: 56, bottom: 44 };

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Round numbers for axis ticks: about `count` steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function logTicks(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const k of [1, 2, 5]) {
      const v = k * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) out.push(Number(v.toPrecision(12)));
    }
  }
  return out;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3).replace(/\.?0+$/, '')}M`;
  if (a >= 1e4) return `${(v / 1e3).toPrecision(3).replace(/\.?0+$/, '')}k`;
  if (a < 0.01) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}

export function renderSvg(spec: ChartSpec): string {
  const plotW = W - M.left - M.right;
  const H = M.top + spec.panels.length * PANEL_H + (spec.panels.length - 1) * M.gap + M.bottom;
  const allX = spec.panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([x]) => x)));
  const xMin = allX.length > 0 ? Math.min(...allX) : 0;
  const xMax = allX.length > 0 ? Math.max(...allX, xMin + 1) : 1;
  const sx = (x: number): number => M.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  o.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  o.push(`<text x="${M.left}" y="22" font-size="16" font-weight="bold">${escapeXml(spec.title)}</text>`);
  if (spec.subtitle) o.push(`<text x="${M.left}" y="40" fill="#555">${escapeXml(spec.subtitle)}</text>`);

  spec.panels.forEach((panel, pi) => {
    const top = M.top + pi * (PANEL_H + M.gap);
    const bottom = top + PANEL_H;
    const ys = panel.series.flatMap((s) => s.points.map(([, y]) => y)).filter((y) => Number.isFinite(y) && (!panel.log || y > 0));
    let yMin: number;
    let yMax: number;
    let ticks: number[];
    if (panel.log) {
      yMin = ys.length > 0 ? 10 ** Math.floor(Math.log10(Math.min(...ys))) : 0.1;
      yMax = ys.length > 0 ? 10 ** Math.ceil(Math.log10(Math.max(...ys))) : 10;
      if (yMax <= yMin) yMax = yMin * 10;
      ticks = logTicks(yMin, yMax);
    } else {
      yMin = 0;
      const top0 = ys.length > 0 ? Math.max(...ys) : 1;
      ticks = niceTicks(0, top0 > 0 ? top0 * 1.05 : 1);
      yMax = Math.max(ticks[ticks.length - 1] ?? 1, top0, 1e-9);
    }
    const sy = (y: number): number => panel.log
      ? bottom - ((Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * PANEL_H
      : bottom - ((y - yMin) / (yMax - yMin)) * PANEL_H;

    for (const b of spec.bands ?? []) {
      const x1 = sx(Math.max(xMin, b.from));
      const x2 = sx(Math.min(xMax, b.to));
      if (x2 <= x1) continue;
      o.push(`<rect x="${x1.toFixed(1)}" y="${top}" width="${(x2 - x1).toFixed(1)}" height="${PANEL_H}" fill="#f2f2f2" stroke="#dddddd"/>`);
      if (pi === 0) o.push(`<text x="${(x1 + 3).toFixed(1)}" y="${top + 12}" fill="#888" font-size="10">${escapeXml(b.name)}</text>`);
    }
    o.push(`<text x="${M.left}" y="${top - 8}" font-weight="bold">${escapeXml(panel.title)} (${escapeXml(panel.unit)}${panel.log ? ', log scale' : ''})</text>`);
    for (const t of ticks) {
      const y = sy(t).toFixed(1);
      o.push(`<line x1="${M.left}" y1="${y}" x2="${M.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`);
      o.push(`<text x="${M.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${fmt(t)}</text>`);
    }
    o.push(`<rect x="${M.left}" y="${top}" width="${plotW}" height="${PANEL_H}" fill="none" stroke="#888"/>`);
    for (const t of niceTicks(xMin, xMax, 10)) {
      const x = sx(t).toFixed(1);
      o.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 4}" stroke="#888"/>`);
      o.push(`<text x="${x}" y="${bottom + 16}" text-anchor="middle" fill="#444">${fmt(t)}</text>`);
    }
    panel.series.forEach((s, si) => {
      const color = s.color ?? PALETTE[si % PALETTE.length]!;
      const segments: string[][] = [[]];
      for (const [x, y] of s.points) {
        if (!Number.isFinite(y) || (panel.log && y <= 0)) {
          if (segments[segments.length - 1]!.length > 0) segments.push([]);
          continue;
        }
        segments[segments.length - 1]!.push(`${sx(x).toFixed(1)},${sy(Math.min(y, yMax)).toFixed(1)}`);
      }
      for (const seg of segments) {
        if (seg.length === 1) o.push(`<circle cx="${seg[0]!.split(',')[0]}" cy="${seg[0]!.split(',')[1]}" r="2" fill="${color}"/>`);
        else if (seg.length > 1) {
          o.push(`<polyline fill="none" stroke="${color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5,3"' : ''} points="${seg.join(' ')}"/>`);
        }
      }
      const ly = top + 14 + si * 18;
      o.push(`<line x1="${M.left + plotW + 12}" y1="${ly}" x2="${M.left + plotW + 36}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
      o.push(`<text x="${M.left + plotW + 42}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
    });
  });
  const lastBottom = M.top + spec.panels.length * PANEL_H + (spec.panels.length - 1) * M.gap;
  o.push(`<text x="${M.left + plotW / 2}" y="${lastBottom + 34}" text-anchor="middle" fill="#444">${escapeXml(spec.xLabel)}</text>`);
  o.push('</svg>');
  return o.join('\n') + '\n';
}
