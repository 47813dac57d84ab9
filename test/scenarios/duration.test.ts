// Durations: the accepted spellings, the refused ones (with why), and format → parse round trips.
// Replay the property with SCENARIO_SEED=<seed> node scripts/run-tests.js scenarios/duration
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { closest, formatDuration, levenshtein, MAX_DURATION_MS, parseDuration } from '../../src/scenarios/index.js';
import { parse, reject, withSteps } from './helpers.js';

const seed = process.env.SCENARIO_SEED ? Number(process.env.SCENARIO_SEED) : Date.now() % 2 ** 31;

const ms = (v: string | number): number => {
  const r = parseDuration(v);
  assert.ok(r.ok, `${String(v)} should parse: ${r.ok ? '' : r.problem}`);
  return r.ms;
};
const problem = (v: string | number): string => {
  const r = parseDuration(v);
  assert.ok(!r.ok, `${String(v)} should be refused, got ${r.ok ? r.ms : ''}`);
  return r.problem;
};

test('durations accept ms, s, m, h, fractions, compounds and whole milliseconds', () => {
  assert.equal(ms('500ms'), 500);
  assert.equal(ms('3s'), 3000);
  assert.equal(ms('1.5s'), 1500);
  assert.equal(ms('1m'), 60_000);
  assert.equal(ms('1m30s'), 90_000);
  assert.equal(ms('2h'), 7_200_000);
  assert.equal(ms('1s250ms'), 1250);
  assert.equal(ms(250), 250);
});

test('durations refuse spaces, unknown units, disorder, zero, negatives, ambiguity and the absurd', () => {
  assert.match(problem('3 s'), /"3 s"/);
  assert.match(problem('3sec'), /"3sec"/);
  assert.match(problem('30s1m'), /largest first/);
  assert.match(problem('1s1s'), /largest first/);
  assert.match(problem('0s'), /must be positive/);
  assert.match(problem('-1s'), /"-1s"/);
  assert.match(problem('1.0005s'), /whole number of milliseconds/);
  assert.match(problem('3000'), /needs a unit: write 3000ms or 3000s/);
  assert.match(problem(3), /write 3s for seconds, or 3ms/);
  assert.match(problem(1.5), /write 1.5s/);
  assert.match(problem(''), /empty/);
  assert.match(problem('25h'), /longest accepted is 24h/);
  assert.equal(ms('24h'), MAX_DURATION_MS);
});

test('formatDuration reads naturally', () => {
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(3000), '3s');
  assert.equal(formatDuration(1500), '1.5s');
  assert.equal(formatDuration(60_000), '1m');
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(3_600_000), '1h');
  // 32.047 * 1000 is not 32047 in floating point; the parser must still read it back exactly.
  assert.equal(formatDuration(32_047), '32.047s');
  assert.equal(ms('32.047s'), 32_047);
});

test('every duration formatDuration writes parses back to the same value', () => {
  try {
    fc.assert(fc.property(fc.integer({ min: 1, max: MAX_DURATION_MS }), (n) => ms(formatDuration(n)) === n), { seed, numRuns: 2000 });
  } catch (err) {
    console.log(`seed=${seed} (replay: SCENARIO_SEED=${seed} node scripts/run-tests.js scenarios/duration)`);
    throw err;
  }
});

test('within is normalised to milliseconds and falls back to a per-step default', () => {
  const s = parse(withSteps('- await: { leader: elected, within: 1m30s }', '- kill: leader', '  within: 750', '- put: { key: a, value: b }'));
  const [a, k, p] = s.steps;
  assert.ok(a?.kind === 'await' && k?.kind === 'kill' && p?.kind === 'put');
  assert.deepEqual([a.within, a.withinExplicit], [90_000, true]);
  assert.deepEqual([k.within, k.withinExplicit], [750, true]);
  assert.equal(p.withinExplicit, false);
  assert.ok(p.within > 5_000, 'a client step waits longer than the proxy retries');
});

test('a load duration uses the same grammar and its errors name the field', () => {
  const s = parse(withSteps('- load: { duration: 2s }', '- check'));
  assert.deepEqual(s.steps[0]?.kind === 'load' && s.steps[0].limit, { kind: 'duration', ms: 2000 });
  const err = reject(withSteps('- load: { duration: two seconds }', '- check'));
  assert.match(err.message, /steps\[0\]\.load\.duration: expected a duration like 500ms, 3s or 1m .* found "two seconds"/);
});

test('suggestions: edit distance counts a swap as one edit and ignores case; far words get none', () => {
  assert.equal(levenshtein('kill', 'kil'), 1);
  assert.equal(levenshtein('value', 'valeu'), 1);
  assert.equal(levenshtein('abc', 'abc'), 0);
  assert.equal(levenshtein('', 'abc'), 3);
  assert.equal(closest('Kill', ['kill', 'start']), 'kill');
  assert.equal(closest('stp', ['stop', 'start']), 'stop');
  assert.equal(closest('linearisable', ['linearizable', 'no_lost_writes']), 'linearizable');
  assert.equal(closest('banana', ['kill', 'start']), undefined);
});
