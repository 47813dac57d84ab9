// The fast checker against the literal definition (brute force) on small random histories.
// Replay a failure with CHECK_SEED=<seed> node scripts/run-tests.js check/linearizability-property
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bruteForceLinearizable, checkLinearizable, type Operation } from '../../src/check/index.js';
import { buildHistory, mulberry32, randomPlan, type PlanStep } from './gen-history.js';

const seed = process.env.CHECK_SEED ? Number(process.env.CHECK_SEED) : Date.now() % 2 ** 31;
console.log(`fast-check seed=${seed} (replay: CHECK_SEED=${seed} node scripts/run-tests.js check/linearizability-property)`);
const NUM_RUNS = 1500;

// Times are small integers so touching and identical timestamps are common.
const stepArb: fc.Arbitrary<PlanStep> = fc.record({
  thread: fc.integer({ min: 0, max: 3 }),
  kind: fc.constantFrom<PlanStep['kind']>('put', 'get', 'get', 'delete', 'cas'),
  key: fc.integer({ min: 0, max: 1 }),
  val: fc.integer({ min: 0, max: 2 }),
  from: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null, freq: 4 }),
  gap: fc.integer({ min: 0, max: 3 }),
  dur: fc.integer({ min: 0, max: 4 }),
  frac: fc.constantFrom(0, 0.25, 0.5, 0.75, 1),
  outcome: fc.constantFrom<PlanStep['outcome']>('ok', 'ok', 'ok', 'ok', 'info', 'fail'),
  infoApplies: fc.boolean(),
});
const planArb = fc.array(stepArb, { minLength: 1, maxLength: 8 });

/** One way to corrupt a history; `at` picks the op, `x` parameterises the change. */
interface Mutation {
  kind: 'read' | 'deleted' | 'cas' | 'shift' | 'toInfo' | 'toOk' | 'toFail';
  at: number;
  x: number;
}
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation['kind']>('read', 'read', 'deleted', 'cas', 'shift', 'toInfo', 'toOk', 'toFail'),
  at: fc.nat(),
  x: fc.integer({ min: 0, max: 5 }),
});

function mutate(history: Operation[], mutations: Mutation[]): Operation[] {
  const ops = history.map((o) => ({ ...o }));
  for (const m of mutations) {
    const op = ops[m.at % ops.length] as Operation;
    switch (m.kind) {
      case 'read':
        if (op.kind === 'get' && op.outcome === 'ok') op.value = m.x >= 3 ? null : `v${m.x}`;
        break;
      case 'deleted':
        if (op.kind === 'delete' && op.outcome === 'ok') op.deleted = op.deleted === undefined ? m.x % 2 === 0 : !op.deleted;
        break;
      case 'cas':
        if (op.kind === 'cas' && op.outcome === 'ok') op.casFailed = !op.casFailed;
        break;
      case 'shift': {
        // Move the op earlier or later, keeping its duration.
        const d = m.x - 2;
        op.invoke = Math.max(0, op.invoke + d);
        if (op.complete !== null) op.complete = Math.max(op.invoke, op.complete + d);
        break;
      }
      case 'toInfo':
        op.outcome = 'info';
        op.complete = null;
        delete op.casFailed;
        break;
      case 'toOk':
        if (op.outcome === 'ok') break;
        op.outcome = 'ok';
        op.complete = op.invoke + m.x;
        if (op.kind === 'get') op.value = m.x >= 3 ? null : `v${m.x}`;
        break;
      case 'toFail':
        if (op.outcome === 'ok') op.outcome = 'fail';
        delete op.casFailed;
        break;
    }
  }
  return ops;
}

const show = (ops: Operation[]): string => ops.map((o) => JSON.stringify(o)).join('\n');

test('histories of a simulated linearizable execution are linearizable by both checkers', () => {
  fc.assert(
    fc.property(planArb, (plan) => {
      const ops = buildHistory(plan);
      assert.equal(bruteForceLinearizable(ops), true, `brute force rejects a generated history:\n${show(ops)}`);
      const r = checkLinearizable(ops);
      assert.equal(r.valid, true, `checker rejects a generated history: ${r.failures[0]?.message}\n${show(ops)}`);
    }),
    { seed, numRuns: NUM_RUNS },
  );
});

test('on mutated histories the checker agrees with brute force, and every failure is explained', () => {
  let invalid = 0;
  fc.assert(
    fc.property(planArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (plan, mutations) => {
      const ops = mutate(buildHistory(plan), mutations);
      const expected = bruteForceLinearizable(ops);
      const r = checkLinearizable(ops);
      assert.equal(r.valid, expected, `checker says ${r.valid}, brute force says ${expected}:\n${show(ops)}`);
      if (!expected) {
        invalid++;
        const f = r.failures[0];
        assert.ok(f, 'an invalid verdict has a failure');
        assert.ok(ops.includes(f.op), 'the blamed op is from the history');
        assert.match(f.message, new RegExp(`^key ${f.key}: .* cannot be placed: `));
        // The blamed op's key is the failure's key, and the reported prefix is linearizable in its order.
        assert.equal(f.op.key, f.key);
        const sequential = f.linearized.map((o, i) => ({ ...o, invoke: i, complete: o.outcome === 'info' ? null : i + 0.5 }));
        assert.equal(bruteForceLinearizable(sequential), true, `reported prefix is not linearizable in order:\n${show(sequential)}`);
      }
    }),
    { seed: seed + 1, numRuns: NUM_RUNS },
  );
  // Guard against a generator that never produces a violation (the property would then prove little).
  assert.ok(invalid > NUM_RUNS / 20, `only ${invalid} of ${NUM_RUNS} mutated histories were invalid`);
});

test('larger generated histories (up to 300 ops, many indefinite ops) are linearizable', () => {
  // Beyond brute force's reach: checks that the search's reductions never prune the only valid order.
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.integer({ min: 20, max: 300 }),
      fc.integer({ min: 1, max: 2 }),
      fc.constantFrom(0, 0.05, 0.15),
      (planSeed, n, keys, infoRate) => {
        const ops = buildHistory(randomPlan(mulberry32(planSeed), { ops: n, keys, threads: 6, infoRate, failRate: 0.05 }));
        const r = checkLinearizable(ops, { timeoutMs: 20_000 });
        assert.equal(r.valid, true, `plan seed ${planSeed}: ${r.failures[0]?.message ?? r.unknownKeys.join(',')}`);
      },
    ),
    { seed: seed + 2, numRuns: 60 },
  );
});
