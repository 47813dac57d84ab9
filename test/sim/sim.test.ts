// The seeded simulator over many seeds (3- and 5-node clusters, every fault regime): safety
// invariants after every step, then liveness, linearizability and no lost writes. A failure names
// each failing seed and the command that replays it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeParams } from './params.js';
import { replayCommand } from './replay.js';
import { runSimulation, type SimResult } from './simulation.js';

/** Seeds and ticks chosen to keep this file well under a minute on a 2-core machine. */
const SIM_TEST_SEEDS = 300;
const SIM_TEST_TICKS = 800;
const FIRST_SEED = 1;

test(`${SIM_TEST_SEEDS} seeds of 3- and 5-node clusters under faults keep every invariant, converge, and stay linearizable`, () => {
  const t0 = performance.now();
  const failures: SimResult[] = [];
  const sizes = { 3: 0, 5: 0 } as Record<number, number>;
  let ops = 0;
  let snapshots = 0;
  let leaders = 0;
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SIM_TEST_SEEDS; seed++) {
    const r = runSimulation({ seed, ticks: SIM_TEST_TICKS });
    sizes[r.params.nodes] = (sizes[r.params.nodes] ?? 0) + 1;
    ops += r.stats.completedOps;
    snapshots += r.stats.snapshotsInstalled;
    leaders += r.stats.leaders;
    if (!r.ok) failures.push(r);
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `sim: ${SIM_TEST_SEEDS} seeds (${sizes[3]}×3 nodes, ${sizes[5]}×5 nodes) × ${SIM_TEST_TICKS} ticks in ${secs.toFixed(1)} s: ` +
      `${ops} client ops, ${leaders} leaders elected, ${snapshots} snapshots installed`,
  );
  // The mix must really contain both sizes and exercise elections and InstallSnapshot.
  assert.ok((sizes[3] ?? 0) > 50 && (sizes[5] ?? 0) > 50, `cluster sizes not mixed: ${JSON.stringify(sizes)}`);
  assert.ok(snapshots > 0, 'no InstallSnapshot happened in any seed');
  const report = failures.map(
    (f) => `seed=${f.seed} (${f.phase}, tick ${f.tick}): ${f.failure}\n  ${describeParams(f.params)}\n  replay: ${replayCommand({ seed: f.seed, ticks: SIM_TEST_TICKS })}`,
  );
  assert.equal(failures.length, 0, `${failures.length} failing seed(s):\n${report.join('\n')}`);
});

/**
 * Seeds that failed at full length (5,000 ticks) in long runs of `npm run sim`, kept as regressions:
 * 12058 and 12324 were retransmission storms (overtaken appends restarting replication again and
 * again within one tick; now capped, with a refused restart done on the next tick), 15710 a follower
 * left behind by in-tick reordering; the others failed intermediate attempts at that fix (a lagging
 * follower not caught up within the bound, or storms), which the final one must also pass.
 */
const REGRESSION_SEEDS = [179, 1541, 10158, 10722, 11576, 12058, 12324, 13332, 14281, 15710];

test('seeds found by long simulator runs stay fixed', () => {
  const failures = REGRESSION_SEEDS.map((seed) => runSimulation({ seed, ticks: 5000 })).filter((r) => !r.ok);
  const report = failures.map((f) => `seed=${f.seed} (${f.phase}, tick ${f.tick}): ${f.failure}\n  replay: ${replayCommand({ seed: f.seed, ticks: 5000 })}`);
  assert.equal(failures.length, 0, report.join('\n'));
});
