// The time frame every chart of the report shares: one x axis (seconds since the first operation),
// the fault periods shaded identically in each chart, and the tick marks.
import type { Operation } from '../../check/index.js';
import type { FaultSummary } from '../results.js';
import { esc, n1 } from './html.js';

export interface Frame {
  /** Clock ms of the first invoke. */
  t0: number;
  /** Clock ms when the load's last operation completed. */
  tLoadEnd: number;
  /** Clock ms of the first final read (= tEnd when there are none). */
  tFinalStart: number;
  /** Clock ms of the last known event (info ops are drawn until here). */
  tEnd: number;
  left: number;
  width: number;
  /** Pixels given to the load phase; the final reads get what is left after a small gap. */
  loadWidth: number;
}

export const PLOT = { left: 56, width: 1100, right: 16 } as const;
/** Pixels standing for the restart between the load and the final reads (its length says nothing). */
const GAP = 24;

/**
 * The x axis has two pieces: the load phase, to scale, over most of the width; then, after a short
 * gap standing for the final phase's restarts, the final reads (to their own scale). A 60 s load
 * should not be squeezed by the time the cluster takes to restart.
 */
export function makeFrame(ops: readonly Operation[], loadOps: number): Frame {
  const t0raw = ops.reduce((m, o) => Math.min(m, o.invoke), Infinity);
  const t0 = Number.isFinite(t0raw) ? t0raw : 0;
  let tEnd = t0 + 1;
  for (const o of ops) tEnd = Math.max(tEnd, o.complete ?? o.invoke, o.invoke);
  let tLoadEnd = t0 + 1;
  for (let i = 0; i < Math.min(loadOps, ops.length); i++) {
    const o = ops[i] as Operation;
    tLoadEnd = Math.max(tLoadEnd, o.complete ?? o.invoke);
  }
  const finals = ops.slice(loadOps);
  const tFinalStart = finals.length ? Math.max(tLoadEnd, finals.reduce((m, o) => Math.min(m, o.invoke), Infinity)) : tEnd;
  let loadWidth = PLOT.width;
  if (finals.length) {
    const dA = tLoadEnd - t0;
    const dB = Math.max(1, tEnd - tFinalStart);
    const wB = Math.min(0.25, Math.max(0.06, dB / (dA + dB))) * PLOT.width;
    loadWidth = PLOT.width - GAP - wB;
  } else tLoadEnd = tEnd;
  return { t0, tLoadEnd, tFinalStart, tEnd, left: PLOT.left, width: PLOT.width, loadWidth };
}

/** x pixel of clock time t. */
export function xOf(f: Frame, t: number): number {
  if (t <= f.tLoadEnd) return f.left + ((t - f.t0) / Math.max(1, f.tLoadEnd - f.t0)) * f.loadWidth;
  const gapW = f.loadWidth < f.width ? GAP : 0;
  if (t < f.tFinalStart) return f.left + f.loadWidth + ((t - f.tLoadEnd) / Math.max(1, f.tFinalStart - f.tLoadEnd)) * gapW;
  const wB = f.width - f.loadWidth - gapW;
  return f.left + f.loadWidth + gapW + (Math.min(t, f.tEnd) - f.tFinalStart) / Math.max(1, f.tEnd - f.tFinalStart) * wB;
}

/** x pixel of a time given in seconds since t0. */
export function xOfS(f: Frame, s: number): number {
  return xOf(f, f.t0 + s * 1000);
}

const FAULT_FILL: Record<string, string> = {
  kill: '#f4a6a6', pause: '#f7d794', isolate: '#a8c8f0', split: '#b6a8f0', 'one-way': '#a8e0e8', 'restart-all': '#e8a8d8',
};

/** Shaded fault periods (and the final phase) between y0 and y1; labels only when `labels`. */
export function faultBands(f: Frame, faults: readonly FaultSummary[], y0: number, y1: number, labels: boolean): string {
  const out: string[] = [];
  const starts = faults.map((fault) => xOfS(f, fault.startS));
  faults.forEach((fault, i) => {
    const x0 = starts[i] as number;
    const x1 = fault.endS === null ? f.left + f.width : xOfS(f, fault.endS);
    const w = Math.max(1, x1 - x0);
    // Labels alternate between two rows; each may run until the next label of its own row.
    const room = (starts[i + 2] ?? f.left + f.loadWidth) - x0 - 4;
    const text = fitLabel(`${fault.index} ${shortLabel(fault)}`, room, String(fault.index));
    out.push(
      `<g class="fault" data-kind="${esc(fault.kind)}" data-index="${fault.index}">` +
        `<rect class="fault-band" x="${n1(x0)}" y="${n1(y0)}" width="${n1(w)}" height="${n1(y1 - y0)}" fill="${FAULT_FILL[fault.kind] ?? '#ddd'}" fill-opacity="0.45"/>` +
        (labels ? `<text class="fault-label" x="${n1(x0 + 2)}" y="${n1(y0 + (i % 2 === 0 ? 10 : 21))}">${esc(text)}</text>` : '') +
        `<title>fault ${fault.index}: ${esc(fault.label)} (${fault.startS.toFixed(2)}–${fault.endS === null ? '?' : fault.endS.toFixed(2)} s)</title></g>`,
    );
  });
  const xl = xOf(f, f.tLoadEnd);
  if (f.tEnd > f.tLoadEnd) {
    out.push(
      `<g class="phase-final"><rect x="${n1(xl)}" y="${n1(y0)}" width="${n1(Math.max(1, f.left + f.width - xl))}" height="${n1(y1 - y0)}" fill="#ccc" fill-opacity="0.35"/>` +
        (labels ? `<text class="fault-label" x="${n1(xl + 2)}" y="${n1(y0 + 10)}">final reads</text>` : '') +
        `<title>final phase: heal, restart every node (${((f.tFinalStart - f.tLoadEnd) / 1000).toFixed(1)} s, not to scale), read every key from every node</title></g>`,
    );
  }
  return out.join('');
}

/** About 5.5 px per character at the label's 10 px font: cut with "…", or fall back to the index alone. */
function fitLabel(text: string, roomPx: number, fallback: string): string {
  const max = Math.floor(roomPx / 5.5);
  if (text.length <= max) return text;
  if (max >= fallback.length + 3) return `${text.slice(0, max - 1)}…`;
  return fallback;
}

/** A compact label for inside a band ("kill node-2", "partition {1}|{2,3}"). */
function shortLabel(fault: FaultSummary): string {
  if (fault.kind === 'split' && fault.groups) return `partition ${fault.groups.map((g) => `{${g.join(',')}}`).join('|')}`;
  if (fault.kind === 'restart-all') return 'restart all';
  const who = fault.nodes.join(',');
  return `${fault.kind === 'kill' ? 'kill' : fault.kind} ${who}`;
}

/** Time axis ticks over the load phase, every 0.5, 1, 2, 5, 10… s so that about 10–20 fit. */
export function timeAxis(f: Frame, y: number): string {
  const spanS = (f.tLoadEnd - f.t0) / 1000;
  const step = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300].find((s) => spanS / s <= 20) ?? 600;
  const out: string[] = [`<line class="axis" x1="${f.left}" y1="${n1(y)}" x2="${f.left + f.width}" y2="${n1(y)}"/>`];
  for (let s = 0; s <= spanS + 1e-9; s += step) {
    const x = xOfS(f, s);
    out.push(`<line class="tick" x1="${n1(x)}" y1="${n1(y)}" x2="${n1(x)}" y2="${n1(y + 4)}"/><text class="tick-label" x="${n1(x)}" y="${n1(y + 15)}" text-anchor="middle">${Number(s.toFixed(1))}s</text>`);
  }
  if (f.tEnd > f.tLoadEnd) {
    const x = xOf(f, f.tFinalStart);
    out.push(`<text class="tick-label" x="${n1(x + 2)}" y="${n1(y + 15)}">final reads (+${((f.tFinalStart - f.t0) / 1000).toFixed(1)}s)</text>`);
  }
  return out.join('');
}
