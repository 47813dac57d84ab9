// Text for people after the checklist: the failure block (path, expected, seen, the cluster at that
// moment, the seed and the command that replays it) and the summary line(s).

import { formatDuration } from '../duration.js';
import type { ScenarioResult } from './results.js';

const INDENT = '    ';

/** Everything a person needs to understand one failed (or unrunnable) scenario; '' when it passed. */
export function formatFailure(r: ScenarioResult): string {
  if (r.status === 'passed') return '';
  if (r.status === 'interrupted') return `↯ ${r.name}: interrupted${stepAt(r)}\n`;
  if (r.status === 'error') return `✖ ${r.name} could not run: ${r.error ?? 'unknown error'}\n`;
  const failed = r.steps.find((s) => s.status === 'failed');
  const f = failed?.failure;
  if (failed === undefined || f === undefined) return `✖ ${r.name} failed${r.error !== undefined ? `: ${r.error}` : ''}\n`;
  const lines = [
    `✖ ${f.path}  (${r.file}:${failed.line})`,
    `  expected  ${f.expected}`,
    `  seen      ${f.seen}`,
  ];
  if (f.attempts > 1) lines.push(`  attempts  ${f.attempts}`);
  lines.push('  cluster at that moment:');
  lines.push(...f.statusTable.split('\n').map((l) => `${INDENT}${l}`));
  lines.push(`  seed ${r.seed} · replay: ${r.replay}`);
  return `${lines.join('\n')}\n`;
}

/** "✔ leader-crash: 17 steps passed in 8.3 s" or "✖ leader-crash: failed at step 4 of 17 (seed 12)". */
export function formatVerdict(r: ScenarioResult): string {
  const secs = formatSeconds(r.durationMs);
  const n = r.steps.length;
  switch (r.status) {
    case 'passed': return `✔ ${r.name}: ${n} steps passed in ${secs}`;
    case 'failed': {
      const at = r.steps.find((s) => s.status === 'failed');
      return `✖ ${r.name}: failed at step ${at?.number ?? '?'} of ${n} in ${secs} (seed ${r.seed})`;
    }
    case 'error': return `✖ ${r.name}: could not run (${r.error ?? 'unknown error'})`;
    case 'interrupted': return `↯ ${r.name}: interrupted${stepAt(r)}`;
  }
}

/** The end of `scenario all`: one line per scenario, then the totals. */
export function formatSummary(results: readonly ScenarioResult[], totalMs: number): string {
  const width = Math.max(...results.map((r) => r.name.length), 4);
  const lines = results.map((r) => {
    const mark = r.status === 'passed' ? '✔' : r.status === 'interrupted' ? '↯' : '✖';
    const what = r.status === 'passed' ? `${r.steps.length} steps` : formatVerdict(r).replace(/^\S+ [^:]+: /, '');
    return `  ${mark} ${r.name.padEnd(width)}  ${formatSeconds(r.durationMs).padStart(7)}  ${what}`;
  });
  const count = (s: ScenarioResult['status']): number => results.filter((r) => r.status === s).length;
  const parts = [`${count('passed')} passed`];
  if (count('failed') > 0) parts.push(`${count('failed')} failed`);
  if (count('error') > 0) parts.push(`${count('error')} could not run`);
  if (count('interrupted') > 0) parts.push(`${count('interrupted')} interrupted`);
  return `${lines.join('\n')}\nscenarios: ${parts.join(', ')} of ${results.length} in ${formatSeconds(totalMs)}\n`;
}

function stepAt(r: ScenarioResult): string {
  const s = r.steps.find((x) => x.status === 'interrupted');
  return s === undefined ? '' : ` at step ${s.number} (${s.title})`;
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? formatDuration(Math.max(0, Math.round(ms))) : `${(ms / 1000).toFixed(1)} s`;
}
