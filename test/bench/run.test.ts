// A short real benchmark through the CLI: a fresh 3-node cluster with the proxy, 4 clients, 2 s after
// a 500 ms warm-up, --json and --report. The JSON must be sane (operations happened, percentiles
// ordered, throughput consistent with the count, a timeline) and the temp cluster gone afterwards.
// No assertion on speed: this machine is shared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from '../../src/bench/index.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null;
      resolve({ code, stdout, stderr });
    });
  });
}

const benchDirs = (): Set<string> => new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('rs-bench-')));

test('bench --duration 2s --warmup 500ms --clients 4 --json --report: sane JSON, a chart, nothing left behind', async () => {
  const report = mkdtempSync(join(tmpdir(), 'raft-sup-bench-report-'));
  const before = benchDirs();
  try {
    const r = await run(['bench', '--duration', '2s', '--warmup', '500ms', '--clients', '4', '--keys', '20', '--json', '--report', report], 120_000);
    assert.equal(r.code, 0, `exit ${r.code}\nstderr:\n${r.stderr}`);
    const j = JSON.parse(r.stdout) as BenchResult;
    assert.equal(j.kind, 'load');
    assert.equal(j.workload, 'write');
    assert.equal(j.target, 'proxy');
    assert.equal(j.clients, 4);
    assert.equal(j.durationMs, 2000);
    assert.equal(j.warmupMs, 500);
    assert.deepEqual(j.cluster, { fresh: true, nodes: 3 });
    assert.ok(j.ops > 0, 'some writes succeeded');
    assert.ok(j.seconds > 1.9 && j.seconds <= 2.01, `window ${j.seconds} s`);
    assert.ok(Math.abs(j.throughput - j.ops / j.seconds) < 1e-6);
    const l = j.latencyMs;
    assert.equal(l.count, j.ops);
    assert.ok(l.min > 0 && l.min <= l.p50 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max, JSON.stringify(l));
    assert.equal(typeof j.errors, 'object');
    assert.equal(j.errorCount, Object.values(j.errors).reduce((a, b) => a + b, 0));
    assert.ok(Array.isArray(j.leaderChanges));
    assert.ok(j.timeline.length > 0);
    // Every measured op is in some interval at t ≥ 0; warm-up intervals have t < 0.
    const inWindow = j.timeline.filter((p) => p.t >= 0).reduce((a, p) => a + p.ops, 0);
    assert.ok(inWindow >= j.ops, `timeline holds ${inWindow} ops in the window, result says ${j.ops}`);
    assert.ok(j.machine && j.machine.cpus > 0 && j.machine.loadAverageBefore.length === 3);
    const saved = JSON.parse(readFileSync(join(report, 'bench.json'), 'utf8')) as BenchResult;
    assert.equal(saved.ops, j.ops);
    const svg = readFileSync(join(report, 'latency.svg'), 'utf8');
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\n$/);
    assert.match(svg, /p99/);
    // Progress went to stderr, the result alone to stdout.
    assert.equal(r.stdout.trim().startsWith('{'), true);
  } finally {
    rmSync(report, { recursive: true, force: true });
  }
  const left = [...benchDirs()].filter((d) => !before.has(d));
  assert.deepEqual(left, [], 'the fresh cluster\'s temp dir is removed');
});

test('bench --workload read: keys are written first, so reads find them (no 404s counted as errors)', async () => {
  const r = await run(['bench', '--workload', 'read', '--duration', '1s', '--warmup', '0', '--clients', '2', '--keys', '10', '--json'], 120_000);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as BenchResult;
  assert.equal(j.workload, 'read');
  assert.ok(j.ops > 0);
  assert.equal(j.errorCount, 0, JSON.stringify(j.errors));
});
