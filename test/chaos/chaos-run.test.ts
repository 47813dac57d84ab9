// A short real chaos run (3 nodes, ~12 s of load and faults) against a correct cluster must exit 0,
// write a complete report, and leave no process or temp dir behind.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseHistoryJsonl } from '../../src/check/index.js';
import type { ChaosResults } from '../../src/chaos/index.js';
import { parseScenario } from '../../src/scenarios/index.js';
import { dirExists, killLeftovers, processesMentioning, runChaosCli, testSeed } from './run-helpers.js';

describe('raft-sup chaos (real processes)', () => {
  const seed = testSeed();
  let report = '';
  let clusterDir: string | null = null;

  after(async () => {
    const left = killLeftovers(clusterDir);
    if (report) await rm(report, { recursive: true, force: true });
    if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
    assert.deepEqual(left, [], 'processes were left behind');
  });

  it('a correct cluster under every nemesis: exit 0, a valid verdict and a full report', async () => {
    report = await mkdtemp(join(tmpdir(), 'rs-chaos-report-'));
    const r = await runChaosCli(['--duration', '12s', '--seed', String(seed), '--report', report]);
    clusterDir = r.clusterDir;
    const why = `seed ${seed} (replay: CHAOS_SEED=${seed}); exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr.slice(-4000)}`;
    assert.equal(r.code, 0, why);
    assert.match(r.stdout, /^verdict: VALID \(seed \d+\)$/m, why);
    assert.match(r.stdout, new RegExp(`^replay: raft-sup chaos --seed ${seed} --duration 12s --nemesis kill,pause,partition,restart-all$`, 'm'));
    assert.match(r.stderr, new RegExp(`^raft-sup chaos: seed ${seed} `, 'm'), 'the seed is printed at the start');

    const results = JSON.parse(readFileSync(join(report, 'results.json'), 'utf8')) as ChaosResults;
    assert.equal(results.verdict, 'valid', why);
    assert.equal(results.settings.seed, seed);
    assert.ok(results.stats.operations > 20, `only ${results.stats.operations} operations`);
    assert.ok(results.faults.length >= 1, 'at least one fault was injected');
    assert.ok(results.checks.raft.elections >= 1);
    assert.ok(Object.values(results.checks.raft.committedEntries).every((n) => n > 0), JSON.stringify(results.checks.raft));
    assert.deepEqual(Object.keys(results.finalReads).sort(), ['k0', 'k1', 'k2', 'k3', 'k4']);
    for (const reads of Object.values(results.finalReads)) assert.deepEqual(Object.keys(reads).sort(), ['node-1', 'node-2', 'node-3']);

    const history = parseHistoryJsonl(readFileSync(join(report, 'history.jsonl'), 'utf8'));
    // The load, then the final phase: per key per node one successful read, after any failed
    // attempts (a read right after the last fault may meet an election and is retried).
    const finalOps = history.slice(results.stats.operations);
    const finalOk = finalOps.filter((o) => o.outcome === 'ok');
    assert.equal(finalOk.length, 15, 'one successful final read per key per node');
    assert.ok(finalOps.every((o) => o.kind === 'get' && (o.outcome === 'ok' || o.outcome === 'fail')), 'the final phase only reads');
    assert.equal(new Set(finalOk.map((o) => `${o.key}@${String(o.node)}`)).size, 15);
    assert.ok(history.some((o) => o.node === 'proxy') && history.some((o) => o.node?.startsWith('node-')), 'clients used the proxy and the nodes');
    const sc = parseScenario(readFileSync(join(report, 'schedule.yaml'), 'utf8'), 'schedule.yaml');
    assert.equal(sc.seed, seed);
    assert.match(readFileSync(join(report, 'report.html'), 'utf8'), /data-verdict="valid"/);
    assert.ok(existsSync(join(report, 'logs', 'node-1.log')) && existsSync(join(report, 'logs', 'cluster.log')), 'the node logs were copied');

    assert.notEqual(clusterDir, null);
    assert.equal(dirExists(clusterDir), false, 'the temp cluster dir was removed');
    assert.deepEqual(processesMentioning(clusterDir as string), [], 'no process of the cluster is left');
  });
});
