// Report files and plain checklist output, from runs against a fake cluster: the JSON has every step
// with status, duration and the failure's details; junit.xml is well-formed, one testcase per step,
// with <failure> and <skipped> where they belong, even for titles full of XML's special characters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  exitCodeOf, junitXml, parseScenario, REPORT_VERSION, runScenarios, writeReports, type ClusterSource, type ScenarioResult,
} from '../../src/scenarios/index.js';
import { FakeCluster } from './fake-cluster.js';
import { parseXml } from './xml-check.js';

const GOOD = `name: good
description: Everything passes.
steps:
  - put: { key: a, value: "1" }
  - get: { key: a, expect: "1" }
`;
const BAD = `name: bad
description: Step 2 fails.
steps:
  - put: { key: a, value: "1" }
  - get: { key: a, expect: "2" }
    name: 'read <a> & "quote" back'
  - delete: { key: a }
  - check
`;

function fakeSource(): ClusterSource {
  return {
    kind: 'custom',
    open: () => Promise.resolve({ mode: 'fresh', adapter: new FakeCluster(), dir: null, nodes: 3, summary: 'a fake cluster', teardown: () => Promise.resolve() }),
  };
}

async function run(texts: readonly string[], renderer: 'silent' | 'simple' = 'silent'): Promise<{ results: ScenarioResult[]; output: string }> {
  const out = new PassThrough();
  let output = '';
  out.on('data', (d: Buffer) => { output += d.toString(); });
  const scenarios = texts.map((t, i) => parseScenario(t, `s${i}.yaml`));
  const results = await runScenarios(scenarios, { source: fakeSource(), renderer, out: out as unknown as NodeJS.WriteStream, seed: 7, retryBackoffMs: 1 });
  return { results, output };
}

test('the JSON report has every step with its status and duration, and the failure with path, expected, seen and status table', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'raft-sup-report-'));
  try {
    const { results } = await run([GOOD, BAD]);
    assert.deepEqual(results.map((r) => r.status), ['passed', 'failed']);
    assert.equal(exitCodeOf(results), 1);
    const written = writeReports(dir, results);
    assert.deepEqual(written.map((p) => p.slice(dir.length + 1)), ['good.json', 'bad.json', 'junit.xml']);
    const bad = JSON.parse(readFileSync(join(dir, 'bad.json'), 'utf8')) as ScenarioResult & { version: number };
    assert.equal(bad.version, REPORT_VERSION);
    assert.equal(bad.status, 'failed');
    assert.equal(bad.seed, 7);
    assert.equal(bad.replay, 'raft-sup scenario s1.yaml --seed 7');
    assert.deepEqual(bad.steps.map((s) => `${s.number}:${s.status}`), ['1:passed', '2:failed', '3:skipped', '4:skipped']);
    for (const s of bad.steps) assert.equal(typeof s.durationMs, 'number');
    const f = bad.steps[1]?.failure;
    assert.equal(f?.path, 'bad › step 2 › read <a> & "quote" back');
    assert.equal(f?.expected, 'get a to read "2" within 8s');
    assert.equal(f?.seen, 'read "1"');
    assert.match(f?.statusTable ?? '', /^NAME\s+PID/);
    assert.equal(f?.status?.processes.length, 4);
    assert.equal(bad.steps[2]?.reason, 'step 2 failed');
    assert.equal(bad.steps[1]?.line, 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('junit.xml is well-formed: a testsuite per scenario, a testcase per step, failure and skipped where they belong', async () => {
  const { results } = await run([GOOD, BAD]);
  const elements = parseXml(junitXml(results));
  const root = elements[0];
  assert.equal(root?.name, 'testsuites');
  assert.deepEqual([root?.attrs.tests, root?.attrs.failures, root?.attrs.skipped, root?.attrs.errors], ['6', '1', '2', '0']);
  const suites = elements.filter((e) => e.name === 'testsuite');
  assert.deepEqual(suites.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures]), [['good', '2', '0'], ['bad', '4', '1']]);
  const cases = elements.filter((e) => e.name === 'testcase');
  assert.equal(cases.length, 6);
  assert.equal(cases[3]?.attrs.name, 'step 2 › read <a> & "quote" back');
  assert.equal(cases[3]?.attrs.line, '5');
  const failure = elements.find((e) => e.name === 'failure');
  assert.equal(failure?.attrs.message, 'expected get a to read "2" within 8s; saw read "1"');
  assert.equal(elements.filter((e) => e.name === 'skipped').length, 2);
  assert.ok(elements.some((e) => e.name === 'property' && e.attrs.name === 'replay' && e.attrs.value === 'raft-sup scenario s1.yaml --seed 7'));
});

test('junit.xml stays well-formed with control characters and colour codes in what was seen', () => {
  const r: ScenarioResult = {
    name: 'x', description: 'd', file: 'x.yaml', status: 'failed', seed: 1, startedAt: new Date().toISOString(), durationMs: 5,
    cluster: { mode: 'fresh', nodes: 3, dir: null }, replay: 'raft-sup scenario x --seed 1',
    steps: [{ number: 1, kind: 'get', title: 't\u0001<&>', line: 3, status: 'failed', durationMs: 1, attempts: 1,
      failure: { path: 'x › step 1', expected: 'a]]>b', seen: '\u001b[31mred\u001b[0m \u0007 & <tag>', attempts: 1, status: null, statusTable: '(none)' } }],
  };
  const xml = junitXml([r]);
  parseXml(xml);
  assert.ok(!xml.includes('\u001b'));
  assert.match(xml, /message="expected a\]\]&gt;b; saw red {2}&amp; &lt;tag&gt;"/);
});

test('a scenario whose cluster cannot be had is an error (exit 2): every step skipped, a testcase carries the error', async () => {
  const source: ClusterSource = { kind: 'custom', open: () => Promise.reject(new Error('no ports left')) };
  const results = await runScenarios([parseScenario(GOOD, 'g.yaml')], { source, renderer: 'silent', seed: 1 });
  assert.equal(results[0]?.status, 'error');
  assert.equal(results[0]?.error, 'no ports left');
  assert.deepEqual(results[0]?.steps.map((s) => s.status), ['skipped', 'skipped']);
  assert.equal(exitCodeOf(results), 2);
  const xml = parseXml(junitXml(results));
  assert.equal(xml.find((e) => e.name === 'error')?.attrs.message, 'no ports left');
});

test('without a terminal the checklist is plain lines: each step, the failure block with the status table, the verdict', async () => {
  const { output } = await run([BAD], 'simple');
  const lines = output.split('\n');
  assert.equal(lines[0], 'bad — Step 2 fails.');
  assert.ok(lines.some((l) => l.startsWith('✔ cluster: a fake cluster')), output);
  assert.ok(lines.some((l) => /^✔ put a=1 — committed at index 1/.test(l)), output);
  assert.ok(lines.some((l) => l.startsWith('✖ read <a> & "quote" back [FAILED: expected get a to read "2" within 8s; saw read "1"]')), output);
  assert.ok(lines.some((l) => l === '↓ delete a [SKIPPED: step 2 failed]'), output);
  assert.ok(lines.includes('✖ bad › step 2 › read <a> & "quote" back  (s0.yaml:5)'), output);
  assert.ok(lines.includes('  expected  get a to read "2" within 8s'), output);
  assert.ok(lines.includes('  seen      read "1"'), output);
  assert.ok(lines.some((l) => /^ {4}NAME\s+PID\s+STATE/.test(l)), output);
  assert.ok(lines.includes('  seed 7 · replay: raft-sup scenario s0.yaml --seed 7'), output);
  assert.match(output, /\n✖ bad: failed at step 2 of 4 in \S+ \S* ?\(seed 7\)\n$/);
  assert.ok(!output.includes('\u001b[2K'), 'no cursor movement without a terminal');
});

test('exit codes: 0 all passed, 1 a step failed, 2 could not run, 130 interrupted wins over everything', () => {
  const r = (status: ScenarioResult['status']): ScenarioResult => ({ status } as ScenarioResult);
  assert.equal(exitCodeOf([r('passed'), r('passed')]), 0);
  assert.equal(exitCodeOf([r('passed'), r('failed')]), 1);
  assert.equal(exitCodeOf([r('failed'), r('error')]), 2);
  assert.equal(exitCodeOf([r('error'), r('interrupted')]), 130);
});
