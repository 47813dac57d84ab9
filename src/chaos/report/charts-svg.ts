// Throughput and latency over time, on the same x axis as the timeline and with the same fault
// shading, so a dip in throughput or a latency spike lines up with the fault that caused it.
import type { Operation } from '../../check/index.js';
import type { FaultSummary } from '../results.js';
import { faultBands, timeAxis, xOf, type Frame } from './frame.js';
import { esc, n1 } from './html.js';

const H = 160;
const TOP = 14;

/** Bucket width in ms: about 100 buckets over the run, at least 100 ms. */
function bucketMs(f: Frame): number {
  const span = f.tLoadEnd - f.t0;
  return Math.max(100, Math.ceil(span / 100 / 50) * 50);
}

/** Completed operations per second, stacked by outcome (info counted when invoked). */
export function renderThroughput(f: Frame, ops: readonly Operation[], faults: readonly FaultSummary[]): string {
  const b = bucketMs(f);
  const nb = Math.max(1, Math.ceil((f.tEnd - f.t0) / b));
  const counts = { ok: new Array<number>(nb).fill(0), fail: new Array<number>(nb).fill(0), info: new Array<number>(nb).fill(0) };
  for (const o of ops) {
    const t = o.complete ?? o.invoke;
    const i = Math.min(nb - 1, Math.max(0, Math.floor((t - f.t0) / b)));
    counts[o.outcome][i] = (counts[o.outcome][i] ?? 0) + 1;
  }
  const perSec = (c: number): number => (c * 1000) / b;
  let max = 1;
  for (let i = 0; i < nb; i++) max = Math.max(max, perSec((counts.ok[i] ?? 0) + (counts.fail[i] ?? 0) + (counts.info[i] ?? 0)));
  const y = (v: number): number => TOP + H - (v / max) * H;
  const bars: string[] = [];
  for (let i = 0; i < nb; i++) {
    const x0 = xOf(f, f.t0 + i * b);
    const w = Math.max(0.5, xOf(f, f.t0 + (i + 1) * b) - x0 - 0.5);
    let acc = 0;
    for (const k of ['ok', 'fail', 'info'] as const) {
      const v = perSec(counts[k][i] ?? 0);
      if (v === 0) continue;
      bars.push(`<rect class="tp ${k}" x="${n1(x0)}" y="${n1(y(acc + v))}" width="${n1(w)}" height="${n1(y(acc) - y(acc + v))}"><title>${((i * b) / 1000).toFixed(1)} s: ${Math.round(v)} ${k}/s</title></rect>`);
      acc += v;
    }
  }
  return chart('throughput-svg', 'operations per second over time', f, faults, max, 'ops/s', bars.join(''));
}

/** p50 / p99 / max latency of successful operations per bucket (by completion time), log scale. */
export function renderLatency(f: Frame, ops: readonly Operation[], faults: readonly FaultSummary[]): string {
  const b = bucketMs(f);
  const nb = Math.max(1, Math.ceil((f.tEnd - f.t0) / b));
  const buckets: number[][] = Array.from({ length: nb }, () => []);
  for (const o of ops) {
    if (o.outcome !== 'ok' || o.complete === null) continue;
    const i = Math.min(nb - 1, Math.max(0, Math.floor((o.complete - f.t0) / b)));
    (buckets[i] as number[]).push(o.complete - o.invoke);
  }
  let max = 10;
  for (const xs of buckets) for (const v of xs) max = Math.max(max, v);
  const lo = Math.log10(0.5);
  const hi = Math.log10(max * 1.2);
  const y = (v: number): number => TOP + H - ((Math.log10(Math.max(0.5, v)) - lo) / (hi - lo)) * H;
  // Paths, not polylines: an empty bucket (no successful operation at all) breaks the line.
  const series: Record<'p50' | 'p99' | 'max', string[]> = { p50: [], p99: [], max: [] };
  let pen = 'M';
  buckets.forEach((xs, i) => {
    if (xs.length === 0) {
      pen = 'M';
      return;
    }
    xs.sort((a, c) => a - c);
    const x = xOf(f, f.t0 + (i + 0.5) * b);
    const at = (p: number): number => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] as number;
    series.p50.push(`${pen}${n1(x)},${n1(y(at(0.5)))}`);
    series.p99.push(`${pen}${n1(x)},${n1(y(at(0.99)))}`);
    series.max.push(`${pen}${n1(x)},${n1(y(xs[xs.length - 1] as number))}`);
    pen = 'L';
  });
  const lines = (['max', 'p99', 'p50'] as const).map((k) => (series[k].length ? `<path class="lat ${k}" fill="none" d="${series[k].join(' ')}"><title>${k} latency</title></path>` : '')).join('');
  // Log-scale gridlines at 1, 10, 100, 1000… ms.
  const grid: string[] = [];
  for (let v = 1; v <= max * 1.2; v *= 10) grid.push(`<line class="grid" x1="${f.left}" x2="${f.left + f.width}" y1="${n1(y(v))}" y2="${n1(y(v))}"/><text class="tick-label" x="${f.left - 4}" y="${n1(y(v) + 3)}" text-anchor="end">${v >= 1000 ? `${v / 1000}s` : `${v}ms`}</text>`);
  return chart('latency-svg', 'latency of successful operations over time', f, faults, null, '', grid.join('') + lines);
}

function chart(id: string, label: string, f: Frame, faults: readonly FaultSummary[], max: number | null, unit: string, body: string): string {
  const width = f.left + f.width + 16;
  const height = TOP + H + 26;
  const yLabels = max === null ? '' :
    `<text class="tick-label" x="${f.left - 4}" y="${TOP + 4}" text-anchor="end">${Math.round(max)}</text><text class="tick-label" x="${f.left - 4}" y="${TOP + H}" text-anchor="end">0</text>` +
    `<text class="tick-label" x="4" y="${TOP + H / 2}">${esc(unit)}</text>`;
  return (
    `<svg id="${id}" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(label)}">` +
    faultBands(f, faults, TOP, TOP + H, false) +
    yLabels +
    body +
    timeAxis(f, TOP + H + 2) +
    '</svg>'
  );
}
