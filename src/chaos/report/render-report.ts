// report.html: one self-contained page (inline CSS, SVG and a few lines of JS; nothing fetched), so
// it can be attached to a bug report and opened anywhere. Top to bottom: the verdict, the checks,
// what went wrong (with the offending operations listed and outlined in the timeline), the
// operations timeline with fault periods shaded, throughput and latency, the faults, the settings.
import { describeOp, type Operation } from '../../check/index.js';
import type { ChaosResults } from '../results.js';
import { renderLatency, renderThroughput } from './charts-svg.js';
import { makeFrame, type Frame } from './frame.js';
import { esc, secs, showValue } from './html.js';
import { renderTimeline, type Highlights } from './timeline-svg.js';

export interface ReportInput {
  results: ChaosResults;
  /** The whole history (load operations first, then the final reads). */
  ops: readonly Operation[];
  /** How many of `ops` belong to the load phase. */
  loadOps: number;
}

const VERDICT_TEXT = { valid: 'VALID', invalid: 'INVALID', unknown: 'UNKNOWN' } as const;

export function renderReport(input: ReportInput): string {
  const { results: r, ops } = input;
  const frame = makeFrame(ops, input.loadOps);
  const hl = highlights(r);
  const byId = new Map(ops.map((o) => [o.id, o]));
  const s = r.settings;
  const headline =
    r.verdict === 'valid' ? 'The history is linearizable, no acknowledged write was lost, the Raft invariants hold and the cluster recovered.'
    : r.verdict === 'invalid' ? firstProblem(r)
    : 'The checker ran out of time before deciding every key; nothing wrong was found in what it decided.';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>raft-sup chaos · seed ${s.seed} · ${VERDICT_TEXT[r.verdict]}</title>
<style>${CSS}</style></head>
<body>
<header>
<div id="verdict" class="verdict ${r.verdict}" data-verdict="${r.verdict}"><span class="badge">${VERDICT_TEXT[r.verdict]}</span> <span class="verdict-text">${esc(headline)}</span></div>
<p class="meta">raft-sup chaos · seed <b id="seed">${s.seed}</b> · ${Math.round(s.durationMs / 1000)} s · nemesis ${esc(s.nemeses.join(',') || 'none')} · ${s.nodes} nodes · ${s.clients} clients · ${s.keys.length} keys${s.unsafeStaleReads ? ' · <b>nodes started with --unsafe-stale-reads</b>' : ''}${s.attached ? ' · attached cluster' : ''}</p>
<p class="meta">replay: <code id="replay">${esc(s.replay)}</code></p>
</header>
<section id="checks"><h2>Checks</h2><table class="checks"><tbody>
${checkRows(r)}
</tbody></table>
<p class="meta">${r.stats.operations} operations in ${secs(r.stats.loadMs)} (${r.stats.opsPerSec} ops/s, ${r.stats.okPerSec} ok/s) · ok ${r.stats.ok} · fail ${r.stats.fail} · info ${r.stats.info} · ${r.stats.clientIds} client ids · latency p50 ${r.stats.latencyMs.p50} ms, p99 ${r.stats.latencyMs.p99} ms, max ${r.stats.latencyMs.max} ms · checked in ${secs(r.stats.checkerMs)}</p>
</section>
${r.verdict === 'valid' ? '' : problemsSection(r, byId, frame)}
<section id="timeline"><h2>Operations per client</h2>
<p class="legend"><span class="sw ok"></span>ok <span class="sw fail"></span>fail (definitely did not happen) <span class="sw info"></span>info (may have happened; the client was retired) <span class="sw band"></span>fault in force <span class="sw mark"></span>blamed by a check
<label>key <select id="key-filter"><option value="">all keys</option>${[...new Set(ops.map((o) => o.key))].sort().map((k) => `<option value="${esc(k)}">${esc(k)}</option>`).join('')}</select></label></p>
<div class="scroll">${renderTimeline(frame, ops, r.faults, hl)}</div></section>
<section id="throughput"><h2>Throughput</h2><div class="scroll">${renderThroughput(frame, ops, r.faults)}</div></section>
<section id="latency"><h2>Latency (successful operations: p50, p99, max)</h2><div class="scroll">${renderLatency(frame, ops, r.faults)}</div></section>
<section id="faults"><h2>Faults (${r.faults.length})</h2>${faultTable(r)}</section>
<section id="final-reads"><h2>Final reads (every key from every node)</h2>${finalReads(r)}</section>
<footer class="meta">history.jsonl holds every operation; results.json every figure on this page; schedule.yaml replays the faults as a scenario.</footer>
<script>${JS}</script>
</body></html>
`;
}

/** Offending operations (blamed) and their conflicts, from every check. */
function highlights(r: ChaosResults): Highlights {
  const offending = new Set<number>();
  const conflicts = new Set<number>();
  for (const f of r.checks.linearizable.failures) {
    offending.add(f.opId);
    if (f.missedId !== undefined) conflicts.add(f.missedId);
    for (const c of f.conflictIds) conflicts.add(c);
  }
  for (const l of r.checks.lostWrites.lost) offending.add(l.opId);
  for (const id of offending) conflicts.delete(id);
  return { offending, conflicts };
}

function firstProblem(r: ChaosResults): string {
  const lin = r.checks.linearizable.failures[0];
  if (lin) return lin.headline;
  const lost = r.checks.lostWrites.lost[0];
  if (lost) return `lost write: ${lost.message}`;
  const v = r.checks.raft.violations[0];
  if (v) return `Raft invariant violated: ${v}`;
  const p = r.checks.liveness.problems[0];
  return p ? `the cluster did not recover: ${p}` : 'a check failed';
}

function checkRows(r: ChaosResults): string {
  const c = r.checks;
  const row = (name: string, status: 'pass' | 'fail' | 'unknown', detail: string): string =>
    `<tr class="check ${status}" data-check="${name}"><th>${esc(name)}</th><td><span class="status">${status === 'pass' ? 'pass' : status === 'fail' ? 'FAIL' : 'unknown'}</span></td><td>${esc(detail)}</td></tr>`;
  const lin = c.linearizable;
  return [
    row('linearizable', lin.valid === true ? 'pass' : lin.valid === false ? 'fail' : 'unknown', r.summary[0] ?? ''),
    row('no lost writes', c.lostWrites.ok ? 'pass' : 'fail', r.summary[1] ?? ''),
    row('raft invariants', c.raft.ok ? 'pass' : 'fail', `${r.summary[2] ?? ''}${c.raft.notes.length ? ` (${c.raft.notes.join('; ')})` : ''}`),
    row('liveness', c.liveness.ok ? 'pass' : 'fail', r.summary[3] ?? ''),
  ].join('\n');
}

function problemsSection(r: ChaosResults, byId: Map<number, Operation>, f: Frame): string {
  const parts: string[] = ['<section id="problems"><h2>What went wrong</h2>'];
  for (const fl of r.checks.linearizable.failures) {
    const ids = [fl.opId, ...(fl.missedId !== undefined ? [fl.missedId] : []), ...fl.conflictIds.filter((x) => x !== fl.missedId)];
    parts.push(
      `<div class="failure" data-check="linearizable" data-key="${esc(fl.key)}" data-op="${fl.opId}" data-anomaly="${fl.anomaly}">` +
        `<h3 class="headline">${esc(fl.headline)}</h3>` +
        `<p class="explanation">${esc(fl.message)}</p>` +
        opTable(ids.map((id) => byId.get(id)).filter((o): o is Operation => o !== undefined), fl.opId, fl.missedId, f) +
        '</div>',
    );
  }
  for (const l of r.checks.lostWrites.lost) {
    parts.push(`<div class="failure" data-check="lost-writes" data-key="${esc(l.key)}" data-op="${l.opId}"><h3 class="headline">lost write on ${esc(l.key)}</h3><p class="explanation">${esc(l.message)}</p>${opTable([byId.get(l.opId)].filter((o): o is Operation => o !== undefined), l.opId, undefined, f)}</div>`);
  }
  for (const v of r.checks.raft.violations) parts.push(`<div class="failure" data-check="raft"><h3 class="headline">Raft invariant violated</h3><p class="explanation">${esc(v)}</p></div>`);
  for (const p of r.checks.liveness.problems) parts.push(`<div class="failure" data-check="liveness"><h3 class="headline">no recovery</h3><p class="explanation">${esc(p)}</p></div>`);
  if (r.checks.linearizable.unknownKeys.length) parts.push(`<p class="meta">undecided keys (checker deadline): ${esc(r.checks.linearizable.unknownKeys.join(', '))}</p>`);
  parts.push('</section>');
  return parts.join('\n');
}

function opTable(ops: readonly Operation[], offending: number, missed: number | undefined, f: Frame): string {
  const t = (ms: number | null): string => (ms === null ? 'never' : `${((ms - f.t0) / 1000).toFixed(3)} s`);
  const rows = ops.map((o) => {
    const role = o.id === offending ? 'offending' : o.id === missed ? 'missed' : 'conflict';
    return `<tr class="op-row ${role}" data-op="${o.id}"><td>${role === 'offending' ? 'this one' : role === 'missed' ? 'missed write' : 'related'}</td><td>op ${o.id}</td><td>c${o.client}</td><td>${esc(o.key)}</td><td>${esc(describeOp(o))}</td><td>${o.outcome}</td><td>${esc(o.node ?? '')}</td><td>${t(o.invoke)}</td><td>${t(o.complete)}</td></tr>`;
  });
  return `<table class="ops"><thead><tr><th></th><th>op</th><th>client</th><th>key</th><th>operation</th><th>outcome</th><th>via</th><th>invoked</th><th>completed</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function faultTable(r: ChaosResults): string {
  if (r.faults.length === 0) return '<p class="meta">no faults were injected</p>';
  const rows = r.faults.map((f) => `<tr class="fault-row" data-kind="${esc(f.kind)}"><td>${f.index}</td><td>${esc(f.label)}</td><td>${f.startS.toFixed(2)} s</td><td>${f.endS === null ? '—' : `${f.endS.toFixed(2)} s`}</td><td>${f.endS === null ? '—' : `${(f.endS - f.startS).toFixed(2)} s`}</td><td>${esc(f.problems.join('; '))}</td></tr>`);
  return `<table class="faults"><thead><tr><th>#</th><th>fault</th><th>start</th><th>end</th><th>held</th><th>notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function finalReads(r: ChaosResults): string {
  const keys = Object.keys(r.finalReads).sort();
  if (keys.length === 0) return '<p class="meta">none</p>';
  const nodes = [...new Set(keys.flatMap((k) => Object.keys(r.finalReads[k] ?? {})))].sort();
  const rows = keys.map((k) => `<tr><th>${esc(k)}</th>${nodes.map((n) => { const m = r.finalReads[k] ?? {}; return `<td>${n in m ? esc(showValue(m[n])) : '<i>no answer</i>'}</td>`; }).join('')}</tr>`);
  return `<table class="final"><thead><tr><th>key</th>${nodes.map((n) => `<th>${esc(n)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const CSS = `
:root{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d1f23;background:#fafafa}
body{margin:0 auto;padding:16px 24px;max-width:1240px}
h2{font-size:16px;margin:22px 0 8px}
h3{font-size:14px;margin:4px 0}
.verdict{font-size:18px;padding:12px 16px;border-radius:6px;border:2px solid}
.verdict.valid{background:#e6f6ea;border-color:#2e9d4d}
.verdict.invalid{background:#fde8e8;border-color:#c62828}
.verdict.unknown{background:#fff6e0;border-color:#d49b00}
.badge{font-weight:700;letter-spacing:.05em;margin-right:8px}
.meta{color:#555;font-size:13px}
code{background:#eee;padding:1px 4px;border-radius:3px}
table{border-collapse:collapse;font-size:13px;background:#fff}
td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
tr.check.pass .status{color:#2e9d4d;font-weight:600}
tr.check.fail .status{color:#c62828;font-weight:700}
tr.check.unknown .status{color:#b07f00;font-weight:600}
.failure{border-left:4px solid #c62828;background:#fff;padding:8px 12px;margin:10px 0}
.explanation{font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap}
tr.op-row.offending{background:#fdd}
tr.op-row.missed{background:#dfe9ff}
tr.op-row{cursor:pointer}
.scroll{overflow-x:auto;background:#fff;border:1px solid #ddd}
svg.chart{display:block;font-size:10px}
rect.op.ok{fill:#43a047}
rect.op.fail{fill:#9e9e9e}
rect.op.info{fill:#fb8c00;fill-opacity:.55}
rect.op.dim{opacity:.08}
rect.mark{fill:none;stroke-width:2}
rect.mark-offending{stroke:#d50000}
rect.mark-conflict{stroke:#1565c0;stroke-dasharray:3 2}
rect.flash{stroke:#000;stroke-width:3}
.fault-label{fill:#333;font-size:10px}
.lane-label,.tick-label{fill:#666;font-size:9px}
line.axis,line.tick{stroke:#888}
line.grid{stroke:#eee}
rect.tp.ok{fill:#43a047}
rect.tp.fail{fill:#9e9e9e}
rect.tp.info{fill:#fb8c00}
path.lat{stroke-width:1.5}
path.p50{stroke:#1565c0}
path.p99{stroke:#8e24aa}
path.max{stroke:#c62828;stroke-opacity:.5}
.legend .sw{display:inline-block;width:12px;height:10px;margin:0 4px 0 12px;vertical-align:middle}
.sw.ok{background:#43a047}.sw.fail{background:#9e9e9e}.sw.info{background:#fb8c00}.sw.band{background:#f4a6a6}.sw.mark{border:2px solid #d50000;width:8px;height:6px}
`;

// Key filter and click-to-locate; everything else on the page works without script.
const JS = `
(function(){
  var sel=document.getElementById('key-filter');
  var bars=document.querySelectorAll('#timeline-svg rect.op');
  sel.addEventListener('change',function(){
    for(var i=0;i<bars.length;i++){var b=bars[i];b.classList.toggle('dim',sel.value!==''&&b.getAttribute('data-key')!==sel.value);}
  });
  var rows=document.querySelectorAll('tr.op-row');
  for(var j=0;j<rows.length;j++){rows[j].addEventListener('click',function(){
    var id=this.getAttribute('data-op');
    var r=document.querySelector('#timeline-svg rect.op[data-op="'+id+'"]');
    if(!r)return;
    var prev=document.querySelectorAll('#timeline-svg rect.flash');for(var k=0;k<prev.length;k++)prev[k].classList.remove('flash');
    r.classList.add('flash');r.scrollIntoView({block:'center',inline:'center'});
  });}
})();
`;
