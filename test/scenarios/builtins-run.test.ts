// Every built-in scenario against real clusters (3 real node processes and a proxy each, fresh temp
// dirs, free ports), a few side by side. Each must pass; afterwards no process it started is alive
// and no state dir is left. A failure prints the runner's own report: path, expected, seen, status.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinNames, formatFailure, loadScenario, runScenarios } from '../../src/scenarios/index.js';
import { PidWatch } from './real-cluster.js';

const watch = new PidWatch();
const names = await builtinNames();
/** Scenarios run side by side: most of their time is waiting on the cluster, not CPU. */
const LANES = Number(process.env.SCENARIO_LANES ?? 3);
const t0 = Date.now();

after(() => {
  const alive = watch.alive();
  const left = watch.leftovers();
  watch.cleanUp();
  process.stderr.write(`# ${names.length} built-in scenarios on real clusters, ${LANES} at a time: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  assert.deepEqual(alive, [], `processes left behind: ${alive.join(', ')}`);
  assert.deepEqual(left, [], `state dirs left behind: ${left.join(', ')}`);
});

describe('the built-in scenarios pass against real clusters', { concurrency: LANES }, () => {
  for (const name of names) {
    test(name, async () => {
      const scenario = await loadScenario(name);
      const [result] = await runScenarios([scenario], { source: watch.source(), renderer: 'silent' });
      assert.ok(result !== undefined);
      if (result.status !== 'passed') assert.fail(`${name} ${result.status} (seed ${result.seed}):\n${formatFailure(result)}`);
      assert.ok(watch.pids.size >= 4, 'the pids of the cluster were seen');
    });
  }
});
