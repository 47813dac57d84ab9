// `--attach`: scenarios run against a cluster started by `raft-sup up -d` and leave it running. Run
// twice on the same cluster, a scenario that reads what the first run left still passes its
// linearizability check (the runner reads every key's value before starting). A scenario made for
// another cluster size is refused (exit 2) before any step runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { freePortBlock, isAlive, SupervisorClient } from '../../src/supervisor/index.js';
import { Scratch } from './cli-helpers.js';

const s = new Scratch();
const dir = join(s.dir, 'cluster');
const seen = new Set<number>();

before(async () => {
  const base = await freePortBlock(4);
  const r = await s.run(['up', '-d', '--nodes', '3', '--base-port', String(base), '--proxy-port', String(base + 3), '--dir', dir]);
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  const sup = new SupervisorClient(dir).pid();
  if (sup !== null) seen.add(sup);
  await s.run(['down', '--wipe', '--dir', dir]);
  const alive = [...seen].filter((p) => isAlive(p));
  for (const p of alive) {
    try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
  }
  s.remove();
  assert.deepEqual(alive, [], `processes left behind: ${alive.join(', ')}`);
});

test('a scenario runs on the attached cluster twice, reading what the first run left, and the cluster keeps running', async () => {
  const file = s.file('attach-twice.yaml', [
    'name: attach-twice',
    'description: Reads what an earlier run left, writes, and checks the history.',
    'cluster: { nodes: 3 }',
    'steps:',
    '  - get: { key: attach-k }',
    '  - put: { key: attach-k, value: v1 }',
    '  - await: { node: followers, caught_up: true, within: 10s }',
    '  - check',
    '',
  ].join('\n'));
  const client = new SupervisorClient(dir);
  const before = await client.status();
  for (const p of before.processes) if (p.pid != null) seen.add(p.pid);
  for (const round of [1, 2]) {
    const r = await s.run(['scenario', file, '--attach', '--dir', dir]);
    assert.equal(r.code, 0, `round ${round}:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^✔ cluster: attached to ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(supervisor pid \\d+, 3 nodes, leader node-\\d\\)`, 'm'));
    assert.match(r.stdout, /^✔ leave the attached cluster running/m);
    assert.match(r.stdout, round === 1 ? /^✔ get attach-k — read absent/m : /^✔ get attach-k — read "v1"/m);
  }
  const after = await client.status();
  for (const p of after.processes) if (p.pid != null) seen.add(p.pid);
  assert.ok(after.processes.every((p) => p.state === 'running'), 'the cluster is still up');
  assert.equal(client.pid(), new SupervisorClient(dir).pid());
  assert.deepEqual(s.clusterDirs(), [], 'no fresh cluster was started');
});

test('a scenario for another cluster size is refused on the attached cluster (exit 2), no step runs', async () => {
  const file = s.file('five.yaml', 'name: five\ndescription: Needs five nodes.\ncluster: { nodes: 5 }\nsteps:\n  - kill: leader\n');
  const r = await s.run(['scenario', file, '--attach', '--dir', dir]);
  assert.equal(r.code, 2, r.stdout);
  assert.match(r.stdout, /five needs a 5-node cluster and the one in .* has 3 nodes; run it without --attach/);
  assert.match(r.stdout, /^↓ kill leader \[SKIPPED: the cluster is not available\]$/m);
  const st = await new SupervisorClient(dir).status();
  assert.ok(st.processes.every((p) => p.state === 'running'), 'nothing was killed');
});
