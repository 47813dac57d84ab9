// Replay a property failure with TARGETS_SEED=<seed> node scripts/run-tests.js supervisor/targets
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TargetError, resolveTarget, type TargetProcess } from '../../src/supervisor/targets.js';

const seed = process.env.TARGETS_SEED ? Number(process.env.TARGETS_SEED) : Date.now() % 2 ** 31;

const cluster: TargetProcess[] = [
  { name: 'node-1', kind: 'node', id: 1, role: 'follower', term: 4 },
  { name: 'node-2', kind: 'node', id: 2, role: 'leader', term: 4 },
  { name: 'node-3', kind: 'node', id: 3, role: 'follower', term: 4 },
  { name: 'proxy', kind: 'proxy' },
];
const always = (r: number) => () => r;

describe('resolveTarget', () => {
  test('a node id and a process name pick that process', () => {
    assert.deepEqual(resolveTarget('2', cluster), ['node-2']);
    assert.deepEqual(resolveTarget('node-3', cluster), ['node-3']);
    assert.deepEqual(resolveTarget(' proxy ', cluster), ['proxy']);
  });

  test('leader picks the leader; with two claimants the newer term wins', () => {
    assert.deepEqual(resolveTarget('leader', cluster), ['node-2']);
    assert.deepEqual(resolveTarget('LEADER', cluster), ['node-2']);
    const split: TargetProcess[] = [
      { name: 'node-1', kind: 'node', id: 1, role: 'leader', term: 3 },
      { name: 'node-2', kind: 'node', id: 2, role: 'leader', term: 5 },
    ];
    assert.deepEqual(resolveTarget('leader', split), ['node-2']);
  });

  test('follower picks one follower with the injected random; followers picks them all', () => {
    assert.deepEqual(resolveTarget('follower', cluster, always(0)), ['node-1']);
    assert.deepEqual(resolveTarget('follower', cluster, always(0.99)), ['node-3']);
    assert.deepEqual(resolveTarget('followers', cluster), ['node-1', 'node-3']);
  });

  test('random picks one node (never the proxy); all picks everything in order', () => {
    assert.deepEqual(resolveTarget('random', cluster, always(0.5)), ['node-2']);
    assert.deepEqual(resolveTarget('random', cluster, always(0.999)), ['node-3']);
    assert.deepEqual(resolveTarget('all', cluster), ['node-1', 'node-2', 'node-3', 'proxy']);
  });

  test('a comma list is a union, in process order, without duplicates', () => {
    assert.deepEqual(resolveTarget('3,1', cluster), ['node-1', 'node-3']);
    assert.deepEqual(resolveTarget('leader,2,node-2', cluster), ['node-2']);
  });

  test('a target that matches nothing says what exists', () => {
    const says = (re: RegExp) => (e: unknown) => e instanceof TargetError && re.test(e.message);
    const lists = /processes: node-1 \(id 1, follower\), node-2 \(id 2, leader\), node-3 \(id 3, follower\), proxy; targets are a node id, a process name, leader, follower, followers, random, proxy, all/;
    assert.throws(() => resolveTarget('7', cluster), says(/^no node has id 7; /));
    assert.throws(() => resolveTarget('7', cluster), says(lists));
    assert.throws(() => resolveTarget('node-9', cluster), says(/^unknown target "node-9"; processes: node-1/));
    assert.throws(() => resolveTarget('', cluster), says(/^empty target/));
    assert.throws(() => resolveTarget('1,', cluster), says(/^empty item in target "1,"/));
    const leaderless = cluster.map((p) => ({ ...p, role: p.kind === 'node' ? 'candidate' : null }));
    assert.throws(() => resolveTarget('leader', leaderless), says(/^there is no leader right now; processes: node-1 \(id 1, candidate\)/));
    assert.throws(() => resolveTarget('follower', leaderless), says(/^there is no follower right now/));
    assert.throws(() => resolveTarget('proxy', cluster.slice(0, 3)), says(/^there is no proxy/));
    assert.throws(() => resolveTarget('all', []), says(/no processes exist/));
  });

  test(`property: every result is a non-empty, duplicate-free subsequence of the processes and respects roles (seed=${seed})`, () => {
    const roles = ['leader', 'follower', 'candidate', null] as const;
    const procs = fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 7 }).chain((ids) =>
      fc.tuple(fc.constant(ids), fc.array(fc.constantFrom(...roles), { minLength: ids.length, maxLength: ids.length }), fc.boolean()));
    const targets = fc.oneof(
      fc.constantFrom('leader', 'follower', 'followers', 'random', 'proxy', 'all'),
      fc.integer({ min: 0, max: 10 }).map(String),
      fc.integer({ min: 0, max: 10 }).map((n) => `node-${n}`),
    );
    try {
      fc.assert(fc.property(procs, fc.array(targets, { minLength: 1, maxLength: 3 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        ([ids, roleList, withProxy], parts, r) => {
          const list: TargetProcess[] = ids.map((id, i) => ({ name: `node-${id}`, kind: 'node' as const, id, role: roleList[i] ?? null }));
          if (withProxy) list.push({ name: 'proxy', kind: 'proxy' });
          let names: string[];
          try {
            names = resolveTarget(parts.join(','), list, () => r);
          } catch (e) {
            assert.ok(e instanceof TargetError, `only TargetError is thrown, got ${String(e)}`);
            assert.match(e.message, /processes: |no processes exist/);
            return;
          }
          assert.ok(names.length > 0);
          assert.equal(new Set(names).size, names.length);
          const order = list.map((p) => p.name).filter((n) => names.includes(n));
          assert.deepEqual(names, order);
          if (parts.length === 1 && parts[0] === 'followers') {
            assert.ok(names.every((n) => list.find((p) => p.name === n)?.role === 'follower'));
          }
          if (parts.length === 1 && parts[0] === 'follower') assert.equal(names.length, 1);
        }), { seed, numRuns: 300 });
    } catch (err) {
      console.log(`targets property failed: seed=${seed} (replay: TARGETS_SEED=${seed} node scripts/run-tests.js supervisor/targets)`);
      throw err;
    }
  });
});
