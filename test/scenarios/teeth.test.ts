// The built-ins have teeth: with the original project's bug planted in real nodes
// (`--unsafe-stale-reads`: every read served from the node's own state), minority-partition must
// fail, and its report must show the stale value the cut-off node served.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFailure, loadScenario, runScenarios } from '../../src/scenarios/index.js';
import { PidWatch } from './real-cluster.js';

const watch = new PidWatch();
after(() => {
  const alive = watch.alive();
  const left = watch.leftovers();
  watch.cleanUp();
  assert.deepEqual(alive, [], `processes left behind: ${alive.join(', ')}`);
  assert.deepEqual(left, [], `state dirs left behind: ${left.join(', ')}`);
});

test('minority-partition fails on nodes that serve reads from their own state, pointing at the stale read', async () => {
  const [r] = await runScenarios([await loadScenario('minority-partition')], { source: watch.source(['--unsafe-stale-reads']), renderer: 'silent' });
  assert.ok(r !== undefined);
  assert.equal(r.status, 'failed', `it must not pass with the bug planted (seed ${r.seed})`);
  const failed = r.steps.find((s) => s.status === 'failed');
  // Step 7 reads on the followers right after the write (they may not have applied it yet: stale);
  // step 8 reads on the cut-off old leader (it answers from its own old state instead of an error).
  assert.ok(failed !== undefined && [7, 8].includes(failed.number), formatFailure(r));
  assert.match(failed.failure?.seen ?? '', /read "before"/, formatFailure(r));
  assert.ok(r.steps.slice(failed.number).every((s) => s.status === 'skipped'));
});
