// The latency-over-time chart of `bench --report DIR`: one self-contained SVG (no script, no fonts
// to fetch) with p50, p99 and max per timeline interval on a log scale, throughput as bars beneath,
// the warm-up shaded and every leader change (or failover kill) marked where it happened. A spike is
// easier to explain when the chart shows what the cluster was doing at that moment.
import type { TimelinePoint } from './load.js';

export interface ChartMark {
  /** ms since the measured window began. */
  readonly t: number;
  readonly label: string;
}

export interface ChartInput {
  readonly title: string;
  readonly subtitle: string;
  readonly timeline: readonly TimelinePoint[];
  readonly intervalMs: number;
  readonly marks: readonly ChartMark[];
}

const W = 960;
const PAD_L = 70;
const PAD_R = 20;
const LAT_TOP = 70;
const LAT_H = 260;
const GAP = 40;
const TP_H = 110;
const H = LAT_TOP + LAT_H + GAP + TP_H + 50;

const SERIES = [
  { key: 'p50', label: 'p50', color: '#2563eb' },
  { key: 'p99', label: 'p99', color: '#ea580c' },
  { key: 'max', label: 'max', color: '#9ca3af' },
] as const;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceMs(v: number): string {
  if (v >= 1000) return `${v / 1000}s`;
  if (v >= 1) return `${v}ms`;
  return `${v}ms`;
}

/** Renders the chart; an empty timeline gives a chart that says so. */
export function renderLatencyChart(c: ChartInput): string {
  const pts = c.timeline;
  const plotW = W - PAD_L - PAD_R;
  const t0 = pts.length ? (pts[0] as TimelinePoint).t : 0;
  const t1 = pts.length ? (pts[pts.length - 1] as TimelinePoint).t + c.intervalMs : 1;
  const x = (t: number): number => PAD_L + ((t - t0) / Math.max(1, t1 - t0)) * plotW;
  const lat = pts.flatMap((p) => [p.p50, p.p99, p.max]).filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.max(0.01, 10 ** Math.floor(Math.log10(Math.min(...lat, 1))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...lat, lo * 10)));
  const y = (ms: number): number => LAT_TOP + LAT_H - ((Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * LAT_H;
  const rate = (p: TimelinePoint): number => (p.ops * 1000) / c.intervalMs;
  const maxRate = Math.max(1, ...pts.map(rate));
  const tpTop = LAT_TOP + LAT_H + GAP;
  const yr = (r: number): number => tpTop + TP_H - (r / maxRate) * TP_H;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${PAD_L}" y="24" font-size="16" font-weight="600">${esc(c.title)}</text>`);
  out.push(`<text x="${PAD_L}" y="44" fill="#555">${esc(c.subtitle)}</text>`);
  // Warm-up shading (t < 0).
  if (t0 < 0) out.push(`<rect x="${x(t0)}" y="${LAT_TOP}" width="${Math.max(0, x(0) - x(t0))}" height="${tpTop + TP_H - LAT_TOP}" fill="#f3f4f6"/><text x="${x(t0) + 4}" y="${LAT_TOP + 14}" fill="#777">warm-up</text>`);
  // Latency grid (decades).
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    const yy = y(d);
    out.push(`<line x1="${PAD_L}" x2="${W - PAD_R}" y1="${yy}" y2="${yy}" stroke="#e5e7eb"/><text x="${PAD_L - 6}" y="${yy + 4}" text-anchor="end" fill="#555">${niceMs(Number(d.toPrecision(1)))}</text>`);
  }
  out.push(`<text x="16" y="${LAT_TOP + LAT_H / 2}" transform="rotate(-90 16 ${LAT_TOP + LAT_H / 2})" text-anchor="middle" fill="#555">latency (log)</text>`);
  if (pts.length === 0) out.push(`<text x="${W / 2}" y="${LAT_TOP + LAT_H / 2}" text-anchor="middle" fill="#777">no operations completed</text>`);
  // max first, so p99 and p50 are drawn over it where they coincide (few operations per interval).
  for (const s of [...SERIES].reverse()) {
    const segs: string[] = [];
    let pen = 'M';
    for (const p of pts) {
      const v = p[s.key];
      if (!Number.isFinite(v)) {
        pen = 'M';
        continue;
      }
      segs.push(`${pen}${x(p.t + c.intervalMs / 2).toFixed(1)},${y(v).toFixed(1)}`);
      pen = 'L';
    }
    if (segs.length) out.push(`<path d="${segs.join(' ')}" fill="none" stroke="${s.color}" stroke-width="${s.key === 'max' ? 1 : 2}"/>`);
  }
  // Throughput bars, errors in red on top.
  out.push(`<line x1="${PAD_L}" x2="${W - PAD_R}" y1="${tpTop + TP_H}" y2="${tpTop + TP_H}" stroke="#9ca3af"/>`);
  out.push(`<text x="${PAD_L - 6}" y="${tpTop + 10}" text-anchor="end" fill="#555">${Math.round(maxRate).toLocaleString('en-US')}/s</text>`);
  out.push(`<text x="16" y="${tpTop + TP_H / 2}" transform="rotate(-90 16 ${tpTop + TP_H / 2})" text-anchor="middle" fill="#555">ops/s</text>`);
  const bw = Math.max(1, x(t0 + c.intervalMs) - x(t0) - 1);
  for (const p of pts) {
    const top = yr(rate(p));
    out.push(`<rect x="${x(p.t).toFixed(1)}" y="${top.toFixed(1)}" width="${bw.toFixed(1)}" height="${(tpTop + TP_H - top).toFixed(1)}" fill="#93c5fd"/>`);
    if (p.errors > 0) out.push(`<rect x="${x(p.t).toFixed(1)}" y="${tpTop}" width="${bw.toFixed(1)}" height="4" fill="#dc2626"><title>${p.errors} errors</title></rect>`);
  }
  // Time axis.
  const stepS = Math.max(1, Math.ceil((t1 - t0) / 1000 / 12));
  for (let s = Math.ceil(t0 / 1000 / stepS) * stepS; s * 1000 <= t1; s += stepS) {
    out.push(`<text x="${x(s * 1000)}" y="${tpTop + TP_H + 16}" text-anchor="middle" fill="#555">${s}s</text>`);
  }
  // Marks (leader changes, kills).
  for (const m of c.marks) {
    if (m.t < t0 || m.t > t1) continue;
    const xx = x(m.t).toFixed(1);
    out.push(`<line x1="${xx}" x2="${xx}" y1="${LAT_TOP}" y2="${tpTop + TP_H}" stroke="#dc2626" stroke-dasharray="4 3"/><text x="${xx}" y="${LAT_TOP - 4}" text-anchor="middle" fill="#dc2626">${esc(m.label)}</text>`);
  }
  // Legend.
  SERIES.forEach((s, i) => {
    const lx = W - PAD_R - 200 + i * 66;
    out.push(`<line x1="${lx}" x2="${lx + 18}" y1="40" y2="40" stroke="${s.color}" stroke-width="2"/><text x="${lx + 22}" y="44">${s.label}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
