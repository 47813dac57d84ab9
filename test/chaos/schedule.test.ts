// The schedule is the replayable part of a chaos run: the same seed must plan the same faults, and
// the flags must round-trip through the printed replay command.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  enabledKinds, generateSchedule, NEMESIS_FAULTS, NEMESIS_NAMES, parseChaosFlags, parseNemesisList, replayCommand, type NemesisName,
} from '../../src/chaos/index.js';

const SEEDS = Array.from({ length: 200 }, (_, i) => i * 7919 + 1);

describe('chaos schedule', () => {
  it('plans exactly the same faults for the same seed, duration, nodes and nemeses', () => {
    for (const seed of SEEDS) {
      const input = { seed, durationMs: 60_000, nodes: 3, nemeses: [...NEMESIS_NAMES] };
      assert.deepEqual(generateSchedule(input), generateSchedule(input), `seed ${seed}`);
    }
  });

  it('different seeds explore different schedules and regimes', () => {
    const plans = new Set(SEEDS.map((seed) => JSON.stringify(generateSchedule({ seed, durationMs: 60_000, nodes: 3, nemeses: [...NEMESIS_NAMES] }).faults)));
    const gaps = new Set(SEEDS.map((seed) => generateSchedule({ seed, durationMs: 60_000, nodes: 3, nemeses: [...NEMESIS_NAMES] }).regime.meanGapMs));
    assert.equal(plans.size, SEEDS.length);
    assert.ok(gaps.size > SEEDS.length / 2, `only ${gaps.size} distinct mean gaps`);
  });

  it('keeps every fault inside the run, in order, held for a positive time, of an enabled kind', () => {
    for (const seed of SEEDS) {
      for (const nemeses of [['kill'], ['partition'], ['pause', 'restart-all'], [...NEMESIS_NAMES]] as NemesisName[][]) {
        const s = generateSchedule({ seed, durationMs: 20_000, nodes: 5, nemeses });
        const allowed = new Set(nemeses.flatMap((n) => NEMESIS_FAULTS[n]));
        let last = -1;
        s.faults.forEach((f, i) => {
          const where = `seed ${seed} ${nemeses.join(',')} fault ${i + 1}`;
          assert.equal(f.index, i + 1, where);
          assert.ok(f.atMs > last && f.atMs < 20_000, `${where}: starts at ${f.atMs}`);
          assert.ok(f.holdMs >= s.regime.minHoldMs && f.holdMs <= s.regime.maxHoldMs, where);
          assert.ok(allowed.has(f.kind), `${where}: ${f.kind} not enabled`);
          if (f.kind === 'one-way') assert.ok(f.direction === 'deaf' || f.direction === 'mute', where);
          last = f.atMs;
        });
      }
    }
  });

  it('plans faults in a 60 s run, and none with --nemesis none', () => {
    const counts = SEEDS.map((seed) => generateSchedule({ seed, durationMs: 60_000, nodes: 3, nemeses: [...NEMESIS_NAMES] }).faults.length);
    assert.ok(Math.min(...counts) >= 5, `a seed planned only ${Math.min(...counts)} faults in 60 s`);
    assert.deepEqual(generateSchedule({ seed: 1, durationMs: 60_000, nodes: 3, nemeses: [] }).faults, []);
  });

  it('drops network faults a cluster cannot have (one node: no partitions; two nodes: no majority split)', () => {
    assert.deepEqual(enabledKinds(['partition', 'kill'], 1), ['kill']);
    assert.deepEqual(enabledKinds(['partition'], 2), ['isolate', 'one-way']);
    assert.deepEqual(enabledKinds(['partition'], 3), ['isolate', 'split', 'one-way']);
  });
});

describe('chaos flags', () => {
  it('parses the nemesis list, all and none, and names a bad item', () => {
    assert.deepEqual(parseNemesisList('kill, pause'), ['kill', 'pause']);
    assert.deepEqual(parseNemesisList('all'), [...NEMESIS_NAMES]);
    assert.deepEqual(parseNemesisList('none'), []);
    assert.throws(() => parseNemesisList('kill,partitoin'), /unknown nemesis "partitoin".*kill, pause, partition, restart-all/);
  });

  it('refuses bad flags with one line naming the flag, what was expected and what was received', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ duration: '10' }, /--duration: expected a duration with a unit like 30s, 1m or 1m30s, received "10" \(did you mean 10s\?\)/],
      [{ duration: '10 sec' }, /--duration: expected a duration like 30s, 1m or 1m30s, received "10 sec"/],
      [{ duration: '500ms' }, /--duration: expected at least 1s, received 500ms/],
      [{ seed: '-3' }, /--seed: expected an integer 0\.\.4294967295, received "-3"/],
      [{ clients: '0' }, /--clients: expected an integer 1\.\.64, received 0/],
      [{ keys: 'many' }, /--keys: expected an integer 1\.\.100, received "many"/],
      [{ nemesis: 'chaos-monkey' }, /--nemesis: unknown nemesis/],
      [{ attach: true, unsafeStaleReads: true }, /--unsafe-stale-reads .* drop --attach/],
      [{ attach: true, nodes: '5' }, /--nodes .* --attach/],
    ];
    for (const [flags, re] of cases) assert.throws(() => parseChaosFlags(flags), (e: Error) => e.name === 'UsageError' && re.test(e.message), JSON.stringify(flags));
  });

  it('prints a replay command that parses back to the same run', () => {
    const o = parseChaosFlags({ seed: '42', duration: '1m30s', nemesis: 'pause,partition', clients: '4', keys: '7', nodes: '5', unsafeStaleReads: true });
    const cmd = replayCommand(o);
    assert.equal(cmd, 'raft-sup chaos --seed 42 --duration 1m30s --nemesis pause,partition --clients 4 --keys 7 --nodes 5 --unsafe-stale-reads');
    const back: Record<string, unknown> = {};
    const words = cmd.split(' ').slice(2);
    for (let i = 0; i < words.length; i++) {
      const flag = (words[i] as string).replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      if (words[i + 1] === undefined || words[i + 1]?.startsWith('--')) back[flag] = true;
      else back[flag] = words[++i];
    }
    assert.deepEqual(parseChaosFlags(back), o);
  });

  it('draws a seed when none is given, and keeps it in the options', () => {
    const o = parseChaosFlags({});
    assert.ok(Number.isInteger(o.seed) && o.seed >= 0);
    assert.equal(o.durationMs, 60_000);
    assert.deepEqual(o.nemeses, [...NEMESIS_NAMES]);
  });
});
