// Prints (does not assert) how long a chaos-sized history takes; asserts only the verdict.
// Aim (issue 8): 10,000 ops, 10 keys, 16 clients in under 2 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLinearizable, checkLostWrites } from '../../src/check/index.js';
import { buildHistory, mulberry32, randomPlan, simulate } from './gen-history.js';

const seed = process.env.CHECK_SEED ? Number(process.env.CHECK_SEED) : 20_240_601;

test('a valid 10,000-op, 10-key, 16-client history is linearizable (time printed)', { timeout: 120_000 }, () => {
  const plan = randomPlan(mulberry32(seed), { ops: 10_000, keys: 10, threads: 16, infoRate: 0.01, failRate: 0.01 });
  const ops = buildHistory(plan);
  const cpu0 = process.cpuUsage();
  const r = checkLinearizable(ops, { timeoutMs: 60_000 });
  const cpu = process.cpuUsage(cpu0);
  const info = ops.filter((o) => o.outcome === 'info').length;
  // CPU time too: on a loaded machine wall time says more about the neighbours than the checker.
  console.log(
    `perf seed=${seed}: ${ops.length} ops (${info} info), 10 keys, 16 clients: valid=${r.valid} in ${r.elapsedMs.toFixed(0)} ms ` +
      `(cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms)`,
  );
  assert.equal(r.valid, true, r.failures[0]?.message ?? `unknown keys: ${r.unknownKeys.join(', ')}`);
  assert.equal(r.keysChecked, 10);
});

test('the same history with one read made stale is caught, and the time to find it is printed', { timeout: 120_000 }, () => {
  const ops = buildHistory(randomPlan(mulberry32(seed), { ops: 10_000, keys: 10, threads: 16, infoRate: 0.01, failRate: 0.01 }));
  // Pick a late ok read that saw a value, and make it return a value written long before.
  const target = ops.findLast((o) => o.kind === 'get' && o.outcome === 'ok' && typeof o.value === 'string');
  assert.ok(target);
  const old = ops.find((o) => o.key === target.key && o.kind === 'put' && o.outcome === 'ok' && o.value !== target.value);
  assert.ok(old);
  target.value = old.value;
  const r = checkLinearizable(ops, { timeoutMs: 60_000 });
  console.log(`perf seed=${seed}: stale read in ${ops.length} ops: valid=${r.valid} in ${r.elapsedMs.toFixed(0)} ms`);
  assert.equal(r.valid, false);
  assert.equal(r.failures.length, 1);
  assert.equal(r.failures[0]?.op, target);
  console.log(`  ${r.failures[0]?.message}`);
});

test('the lost-write check on 10,000 ops passes the true final values and catches corrupted ones (time printed)', () => {
  // No indefinite writes here: one of those may land at any time, so it supersedes every write of its key.
  const { ops, final } = simulate(randomPlan(mulberry32(seed), { ops: 10_000, keys: 10, threads: 16, infoRate: 0, failRate: 0.01 }));
  const start = performance.now();
  const r = checkLostWrites(ops, final);
  console.log(`lost-write check on ${ops.length} ops: ${(performance.now() - start).toFixed(0)} ms`);
  assert.equal(r.ok, true, r.lost[0]?.message);
  const corrupted = new Map([...final.keys()].map((k) => [k, 'garbage']));
  const bad = checkLostWrites(ops, corrupted);
  assert.equal(bad.ok, false);
  assert.ok(bad.lost.every((l) => l.final === 'garbage' && l.op.outcome === 'ok'));
});
