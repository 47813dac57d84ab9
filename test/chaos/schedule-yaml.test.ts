// schedule.yaml must be a scenario the scenario parser accepts, whatever the seed, the nemeses and the
// node count, both as planned and as executed (victims, partitions, one-way cuts, skipped faults).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSchedule, NEMESIS_NAMES, scheduleToYaml, type FaultRecord, type NemesisName } from '../../src/chaos/index.js';
import { parseScenario } from '../../src/scenarios/index.js';

describe('schedule.yaml', () => {
  it('parses as a scenario for many seeds, node counts and nemesis sets (planned schedule)', () => {
    for (let seed = 1; seed <= 25; seed++) {
      for (const nodes of [1, 3, 5]) {
        for (const nemeses of [[...NEMESIS_NAMES], ['partition'], ['kill', 'restart-all']] as NemesisName[][]) {
          const schedule = generateSchedule({ seed, durationMs: 30_000, nodes, nemeses });
          const text = scheduleToYaml({ schedule, clients: 8, keys: 5, replay: `raft-sup chaos --seed ${seed}` });
          let sc;
          try {
            sc = parseScenario(text, 'schedule.yaml');
          } catch (err) {
            assert.fail(`seed ${seed}, ${nodes} nodes, ${nemeses.join(',')}: ${err instanceof Error ? err.message : String(err)}\n${text}`);
          }
          assert.equal(sc.seed, seed);
          assert.equal(sc.cluster.nodes, nodes);
          const kinds = sc.steps.map((s) => s.kind);
          assert.equal(kinds[0], 'load');
          assert.deepEqual(kinds.slice(-4), ['heal', 'await', 'stop_load', 'check']);
        }
      }
    }
  });

  it('writes what was executed: victims by role with an `as` name, partitions with their node ids, one-way as a labelled isolation', () => {
    const schedule = generateSchedule({ seed: 5, durationMs: 30_000, nodes: 3, nemeses: ['kill'] });
    const planned = { index: 1, kind: 'kill' as const, role: 'leader' as const, atMs: 1000, holdMs: 1000 };
    const rec = (r: Partial<FaultRecord> & Pick<FaultRecord, 'index' | 'kind' | 'label' | 'nodes' | 'startOps' | 'endOps'>): FaultRecord =>
      ({ planned: { ...planned, index: r.index, kind: r.kind }, start: 0, end: 1, problems: [], ...r });
    const records: FaultRecord[] = [
      rec({ index: 1, kind: 'kill', label: 'kill -9 node-2 (leader, term 1)', nodes: ['node-2'], startOps: 40, endOps: 90 }),
      rec({ index: 2, kind: 'split', label: 'partition {1} | {2,3}', nodes: ['node-1'], groups: [[1], [2, 3]], startOps: 120, endOps: 150 }),
      rec({ index: 3, kind: 'one-way', label: 'one-way: node-3 (follower) hears nothing from node-1, node-2', nodes: ['node-3'], startOps: 150, endOps: 200 }),
      rec({ index: 4, kind: 'pause', label: 'pause: skipped (no running node)', nodes: [], startOps: 210, endOps: 210 }),
      rec({ index: 5, kind: 'restart-all', label: 'kill -9 every node', nodes: ['node-1', 'node-2', 'node-3'], startOps: 220, endOps: 260 }),
    ];
    const text = scheduleToYaml({ schedule, clients: 8, keys: 5, records, replay: 'raft-sup chaos --seed 5' });
    const sc = parseScenario(text, 'schedule.yaml');
    assert.match(text, /kill: \{ target: leader, as: f1 \}.*# kill -9 node-2 \(leader, term 1\)/);
    assert.match(text, /start: \$f1/);
    assert.match(text, /partition: "1 2,3"/);
    assert.match(text, /isolate: \{ target: leader, as: f3 \}.*one-way in the original/);
    assert.doesNotMatch(text, /f4/, 'a skipped fault writes no steps');
    assert.match(text, /kill: "1,2,3"[\s\S]*start: "1,2,3"/);
    assert.match(text, /await: \{ load: chaos, ops: 40, within: 60s \}/);
    const kinds = sc.steps.map((s) => s.kind);
    assert.deepEqual(kinds, ['load', 'await', 'kill', 'await', 'start', 'await', 'partition', 'await', 'heal', 'isolate', 'await', 'heal', 'await', 'kill', 'await', 'start', 'heal', 'await', 'stop_load', 'check']);
  });
});
