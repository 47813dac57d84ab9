// Teeth: nodes started with --unsafe-stale-reads answer reads from local state; a short chaos run
// must catch it (exit 1) and the report must point at a stale read.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ChaosResults } from '../../src/chaos/index.js';
import { killLeftovers, processesMentioning, runChaosCli, testSeed } from './run-helpers.js';

describe('raft-sup chaos --unsafe-stale-reads', () => {
  const seed = testSeed();
  let report = '';
  let clusterDir: string | null = null;

  after(async () => {
    const left = killLeftovers(clusterDir);
    if (report) await rm(report, { recursive: true, force: true });
    if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
    assert.deepEqual(left, [], 'processes were left behind');
  });

  it('exits 1 and the report names a stale read', async () => {
    report = await mkdtemp(join(tmpdir(), 'rs-chaos-teeth-'));
    const r = await runChaosCli(['--unsafe-stale-reads', '--duration', '10s', '--seed', String(seed), '--report', report]);
    clusterDir = r.clusterDir;
    const why = `seed ${seed} (replay: CHAOS_SEED=${seed}); exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr.slice(-4000)}`;
    assert.equal(r.code, 1, why);
    assert.match(r.stdout, /^verdict: INVALID/m, why);
    assert.match(r.stdout, /✗ stale (or out-of-order )?read: op \d+ \(get by client \d+ via (proxy|node-\d)\)/, why);
    assert.match(r.stdout, /--unsafe-stale-reads$/m, 'the replay command keeps the planted bug');
    const results = JSON.parse(readFileSync(join(report, 'results.json'), 'utf8')) as ChaosResults;
    assert.equal(results.verdict, 'invalid');
    const stale = results.checks.linearizable.failures.filter((f) => f.anomaly === 'stale-read');
    assert.ok(stale.length >= 1, why);
    const html = readFileSync(join(report, 'report.html'), 'utf8');
    assert.match(html, /<span class="badge">INVALID<\/span> <span class="verdict-text">stale (or out-of-order )?read/);
    assert.match(html, new RegExp(`<rect class="mark mark-offending" data-op="${stale[0]?.opId}"`));
    assert.deepEqual(processesMentioning(clusterDir ?? '\u0000none'), []);
  });
});
