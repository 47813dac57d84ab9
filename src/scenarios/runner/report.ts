// `--report DIR`: `<name>.json` per scenario (steps, status, durations, failure details with the
// cluster status at that moment) and one `junit.xml` (a testsuite per scenario, a testcase per step,
// so CI systems show each step as a test).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioResult, StepResult } from './results.js';

/** The JSON report's format version (bump when a field changes meaning). */
export const REPORT_VERSION = 1;

/** Write every report file; returns the paths written. Throws on an unwritable dir (the CLI exits 2). */
export function writeReports(dir: string, results: readonly ScenarioResult[]): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const r of results) {
    const path = join(dir, `${r.name}.json`);
    writeFileSync(path, `${JSON.stringify({ version: REPORT_VERSION, ...r }, null, 2)}\n`);
    written.push(path);
  }
  const junit = join(dir, 'junit.xml');
  writeFileSync(junit, junitXml(results));
  written.push(junit);
  return written;
}

/** JUnit XML (the common Jenkins/GitLab/GitHub dialect): skipped steps are <skipped/>, a failed one <failure>. */
export function junitXml(results: readonly ScenarioResult[]): string {
  const suites = results.map((r) => ({ r, ...suiteCounts(r) }));
  const sum = (k: 'tests' | 'failures' | 'errors' | 'skipped'): number => suites.reduce((n, x) => n + x[k], 0);
  const totalMs = results.reduce((n, r) => n + r.durationMs, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="raft-sup scenarios" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" skipped="${sum('skipped')}" time="${secs(totalMs)}">`,
  ];
  for (const { r, tests, failures, errors, skipped } of suites) {
    lines.push(`  <testsuite name="${attr(r.name)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${secs(r.durationMs)}" timestamp="${attr(r.startedAt.replace(/\.\d+Z$/, ''))}" file="${attr(r.file)}">`);
    lines.push('    <properties>');
    lines.push(`      <property name="seed" value="${r.seed}"/>`);
    lines.push(`      <property name="replay" value="${attr(r.replay)}"/>`);
    lines.push(`      <property name="description" value="${attr(r.description)}"/>`);
    lines.push('    </properties>');
    if (r.status === 'error') {
      lines.push(`    <testcase classname="${attr(r.name)}" name="cluster" time="0">`);
      lines.push(`      <error message="${attr(r.error ?? 'could not run')}" type="environment">${text(r.error ?? '')}</error>`);
      lines.push('    </testcase>');
    }
    for (const s of r.steps) {
      const head = `    <testcase classname="${attr(r.name)}" name="${attr(`step ${s.number} › ${s.title}`)}" time="${secs(s.durationMs)}" file="${attr(r.file)}" line="${s.line}"`;
      if (s.status === 'passed') {
        lines.push(`${head}/>`);
      } else if (s.status === 'skipped') {
        lines.push(`${head}>`, `      <skipped message="${attr(s.reason ?? 'skipped')}"/>`, '    </testcase>');
      } else if (s.status === 'interrupted') {
        lines.push(`${head}>`, `      <error message="interrupted" type="interrupted"/>`, '    </testcase>');
      } else {
        const f = s.failure;
        const message = f === undefined ? 'failed' : `expected ${f.expected}; saw ${f.seen}`;
        const body = f === undefined ? '' : `${f.path}\nexpected: ${f.expected}\nseen: ${f.seen}\nattempts: ${f.attempts}\n\ncluster at that moment:\n${f.statusTable}\n\nseed ${r.seed}; replay: ${r.replay}`;
        lines.push(`${head}>`, `      <failure message="${attr(message)}" type="step failed">${text(body)}</failure>`, '    </testcase>');
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** One testcase per step, plus a `cluster` testcase carrying the error when the scenario could not run. */
function suiteCounts(r: ScenarioResult): { tests: number; failures: number; errors: number; skipped: number } {
  const n = (status: StepResult['status']): number => r.steps.filter((s) => s.status === status).length;
  const clusterError = r.status === 'error' ? 1 : 0;
  return { tests: r.steps.length + clusterError, failures: n('failed'), errors: n('interrupted') + clusterError, skipped: n('skipped') };
}

function secs(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** XML 1.0 allows neither most control characters nor ANSI colour codes; drop them, escape the rest. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

function text(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
