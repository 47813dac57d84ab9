// The operations timeline: one lane per logical client, one bar per operation from invoke to
// completion, coloured by outcome (ok / fail / info). An info operation never completed as far as
// anyone knows, so its bar runs to the end of the history — which is also why that client's lane
// stops there (it was retired). Fault periods are shaded behind; offending operations are outlined
// on top so they stay visible in a dense chart.
import { describeOp, type Operation } from '../../check/index.js';
import type { FaultSummary } from '../results.js';
import { faultBands, timeAxis, xOf, type Frame } from './frame.js';
import { esc, n1 } from './html.js';

export interface Highlights {
  /** The operations a check blamed. */
  offending: ReadonlySet<number>;
  /** The operations they conflict with (the write a stale read missed, concurrent writes...). */
  conflicts: ReadonlySet<number>;
}

const LANE = 11;
const BAR = 8;
const TOP = 26;

export function renderTimeline(f: Frame, ops: readonly Operation[], faults: readonly FaultSummary[], hl: Highlights): string {
  const clients = [...new Set(ops.map((o) => o.client))].sort((a, b) => a - b);
  const lane = new Map(clients.map((c, i) => [c, i]));
  const plotH = clients.length * LANE;
  const height = TOP + plotH + 26;
  const width = f.left + f.width + 16;
  const bars: string[] = [];
  const marks: string[] = [];
  for (const op of ops) {
    const y = TOP + (lane.get(op.client) ?? 0) * LANE + (LANE - BAR) / 2;
    const x0 = xOf(f, op.invoke);
    const x1 = xOf(f, op.complete ?? f.tEnd);
    const w = Math.max(1, x1 - x0);
    const cls = `op ${op.outcome}${hl.offending.has(op.id) ? ' offending' : ''}${hl.conflicts.has(op.id) ? ' conflict' : ''}`;
    const lat = op.complete === null ? 'never completed (indefinite)' : `${(op.complete - op.invoke).toFixed(1)} ms`;
    const title = `op ${op.id} · client ${op.client} · ${op.key}: ${describeOp(op)} · ${op.outcome} · ${lat}${op.node ? ` · ${op.node}` : ''}${op.error ? ` · ${op.error}` : ''}`;
    bars.push(
      `<rect class="${cls}" data-op="${op.id}" data-key="${esc(op.key)}" data-kind="${op.kind}" x="${n1(x0)}" y="${n1(y)}" width="${n1(w)}" height="${BAR}"><title>${esc(title)}</title></rect>`,
    );
    if (hl.offending.has(op.id) || hl.conflicts.has(op.id)) {
      marks.push(
        `<rect class="mark ${hl.offending.has(op.id) ? 'mark-offending' : 'mark-conflict'}" data-op="${op.id}" x="${n1(x0 - 2)}" y="${n1(y - 2)}" width="${n1(w + 4)}" height="${BAR + 4}"/>`,
      );
    }
  }
  const labels = clients.map((c, i) => `<text class="lane-label" x="${f.left - 6}" y="${n1(TOP + i * LANE + LANE - 2)}" text-anchor="end">c${c}</text>`);
  return (
    `<svg id="timeline-svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="operations per client over time">` +
    faultBands(f, faults, 0, TOP + plotH, true) +
    labels.join('') +
    `<g class="ops">${bars.join('')}</g>` +
    `<g class="marks">${marks.join('')}</g>` +
    timeAxis(f, TOP + plotH + 2) +
    '</svg>'
  );
}
