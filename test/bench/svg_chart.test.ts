import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXml, niceTicks, renderSvg } from '../../bench/suite/SvgChart';

test('the chart is well-formed SVG with one polyline per series and escaped text', () => {
  const svg = renderSvg({
    title: 'chat <A & B>',
    xLabel: 'seconds',
    panels: [
      { title: 'throughput', unit: 'msgs/s', series: [{ name: 'acked/s', points: [[0, 10], [1, 20], [2, 15]] }] },
      {
        title: 'latency', unit: 'ms', log: true, series: [
          { name: 'p50', points: [[0, 0.5], [1, 1.5], [2, NaN], [3, 2]] },
          { name: 'p99', dashed: true, points: [[0, 5], [1, 50], [2, 500], [3, 40]] },
        ],
      },
    ],
    bands: [{ name: 'traffic', from: 0.5, to: 2.5 }],
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  assert.ok(svg.includes('chat &lt;A &amp; B&gt;'));
  assert.ok(!svg.includes('<A & B>'));
  // p50 has a gap (NaN) so it becomes a polyline plus a lone point; p99 is one polyline
  assert.equal((svg.match(/<polyline /g) ?? []).length, 3);
  assert.equal((svg.match(/<circle /g) ?? []).length, 1);
  assert.ok(svg.includes('stroke-dasharray'));
  assert.ok(svg.includes('log scale'));
  // every opened element is closed or self-closed
  const opened = (svg.match(/<(svg|text)\b/g) ?? []).length;
  const closed = (svg.match(/<\/(svg|text)>/g) ?? []).length;
  assert.equal(opened, closed);
  // coordinates stay inside the canvas
  const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
  for (const m of svg.matchAll(/points="([^"]+)"/g)) {
    for (const pair of m[1]!.split(' ')) {
      const [x, y] = pair.split(',').map(Number);
      assert.ok(x! >= 0 && x! <= w! && y! >= 0 && y! <= h!, `point ${pair} inside ${w}x${h}`);
    }
  }
});

test('a log panel puts a higher value above a lower one', () => {
  const svg = renderSvg({ title: 't', xLabel: 'x', panels: [{ title: 'l', unit: 'ms', log: true, series: [{ name: 's', points: [[0, 1], [1, 1000]] }] }] });
  const pts = /points="([^"]+)"/.exec(svg)![1]!.split(' ').map((p) => p.split(',').map(Number));
  assert.ok(pts[1]![1]! < pts[0]![1]!, 'y grows downwards in SVG');
});

test('niceTicks gives round steps covering the range', () => {
  assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(0, 1000, 4), [0, 500, 1000]);
  const t = niceTicks(3, 97, 5);
  assert.ok(t[0]! >= 3 && t[t.length - 1]! <= 97);
  assert.equal(escapeXml(`a"b'c`), 'a&quot;b&apos;c');
});
