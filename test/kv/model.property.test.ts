import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KvStateMachine, type KvCommand } from '../../src/kv/index.js';
import { noop, normal } from './log-feeder.js';
import { ReferenceKv } from './reference-model.js';

// Replay a failure with SEED=<n> node scripts/run-tests.js kv/model
const seed = process.env.SEED === undefined ? Math.floor(Math.random() * 0x7fffffff) : Number(process.env.SEED);
if (!Number.isSafeInteger(seed)) throw new Error(`SEED must be an integer, received ${JSON.stringify(process.env.SEED)}`);

type Action = { kind: 'cmd'; cmd: KvCommand } | { kind: 'retry'; pick: number } | { kind: 'noop' };

// Few keys, values, clients and seqs, so that collisions, CAS hits, retries, out-of-order seqs,
// expiries and evictions all happen often.
const key = fc.constantFrom('k0', 'k1', 'k2');
const value = fc.constantFrom('x', 'y', 'z');
const session = fc.option(fc.record({ clientId: fc.constantFrom('a', 'b', 'c', 'd', 'e'), seq: fc.nat({ max: 20 }) }), { nil: undefined });
const command: fc.Arbitrary<KvCommand> = fc
  .tuple(
    fc.oneof(
      fc.record({ op: fc.constant('put' as const), key, value }),
      fc.record({ op: fc.constant('delete' as const), key }),
      fc.record({ op: fc.constant('cas' as const), key, from: fc.option(value, { nil: null }), to: value }),
    ),
    session,
  )
  .map(([cmd, s]) => (s === undefined ? cmd : { ...cmd, ...s }));
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: command.map((cmd) => ({ kind: 'cmd' as const, cmd })) },
  { weight: 3, arbitrary: fc.nat().map((pick) => ({ kind: 'retry' as const, pick })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'noop' as const }) },
);

test('any command sequence with retries answers like the reference model, and a snapshot/restore at any point changes nothing', (t) => {
  t.diagnostic(`seed=${seed}`);
  const property = fc.property(
    fc.array(action, { maxLength: 80 }),
    fc.integer({ min: 1, max: 6 }),
    fc.integer({ min: 1, max: 4 }),
    fc.nat(),
    (actions, window, maxSessions, restorePick) => {
      const options = { sessionWindow: window, maxSessions };
      const straight = new KvStateMachine(options);
      let restored = new KvStateMachine(options);
      const model = new ReferenceKv(window, maxSessions);
      const restoreAt = restorePick % (actions.length + 1);
      const sent: KvCommand[] = [];
      actions.forEach((a, i) => {
        if (i === restoreAt) restored = KvStateMachine.restore(restored.snapshot());
        const index = i + 1;
        const cmd = a.kind === 'cmd' ? a.cmd : a.kind === 'retry' && sent.length > 0 ? sent[a.pick % sent.length] : undefined;
        if (cmd === undefined) {
          model.noop();
          assert.equal(straight.apply(noop(index)), undefined);
          assert.equal(restored.apply(noop(index)), undefined);
          return;
        }
        sent.push(cmd);
        const expected = model.apply(cmd);
        assert.deepEqual(straight.apply(normal(index, cmd)), expected, `entry ${index}: ${JSON.stringify(cmd)}`);
        assert.deepEqual(restored.apply(normal(index, cmd)), expected, `entry ${index} after restore at ${restoreAt}`);
      });
      if (restoreAt === actions.length) restored = KvStateMachine.restore(restored.snapshot());
      assert.deepEqual([...straight.keys()].map((k) => [k, straight.get(k)]), [...model.data]);
      assert.equal(straight.sessionCount, model.sessions.size);
      assert.equal(straight.appliedIndex, actions.length);
      assert.equal(restored.snapshot(), straight.snapshot());
    },
  );
  try {
    fc.assert(property, { seed, numRuns: 400 });
  } catch (err) {
    console.error(`kv model property failed: seed=${seed}; replay with SEED=${seed} node scripts/run-tests.js kv/model`);
    throw err;
  }
});
