// Teeth: with each planted bug switched on, the simulator must find a failure within a bounded
// number of seeds — and the failing seed must pass with the bug off, so the bug is the cause.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUG_NAMES } from './params.js';
import { replayCommand } from './replay.js';
import { runSimulation } from './simulation.js';

const MAX_SEEDS = 500;
const TICKS = 800;

for (const bug of BUG_NAMES) {
  test(`the simulator catches the planted bug ${bug} within ${MAX_SEEDS} seeds`, () => {
    for (let seed = 1; seed <= MAX_SEEDS; seed++) {
      const r = runSimulation({ seed, ticks: TICKS, bug });
      if (r.ok) continue;
      console.log(`${bug}: caught at seed=${seed} (${r.phase}, tick ${r.tick}): ${r.failure}\n  replay: ${replayCommand({ seed, ticks: TICKS, bug })}`);
      const clean = runSimulation({ seed, ticks: TICKS });
      assert.ok(clean.ok, `seed ${seed} also fails without ${bug}: ${clean.failure}\n  replay: ${replayCommand({ seed, ticks: TICKS })}`);
      return;
    }
    assert.fail(`${bug} was not caught in ${MAX_SEEDS} seeds of ${TICKS} ticks`);
  });
}
