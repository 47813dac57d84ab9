// `raft-sup scenario` on real fresh clusters through the CLI: a failing step exits 1 with the path,
// expected, seen and the status table at that moment, skips the rest, writes the reports, and the
// cluster is gone afterwards; Ctrl+C in the middle of a step exits 130 and also tears it down.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioResult } from '../../src/scenarios/index.js';
import { isAlive, SupervisorClient } from '../../src/supervisor/index.js';
import { Scratch, waitFor } from './cli-helpers.js';

const s = new Scratch();
const seen = new Set<number>();
after(() => {
  const alive = [...seen].filter((p) => isAlive(p));
  for (const p of alive) {
    try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
  }
  s.remove();
  assert.deepEqual(alive, [], `processes left behind: ${alive.join(', ')}`);
});

test('a failing step: exit 1, the failure block with the status table, later steps skipped, reports written, cluster gone', async () => {
  const file = s.file('wrong-read.yaml', [
    'name: wrong-read',
    'description: A read that expects a value nobody wrote fails the run.',
    'steps:',
    '  - put: { key: k, value: real }',
    '  - kill: follower',
    '  - get: { key: k, expect: imagined }',
    '  - put: { key: k2, value: never-runs }',
    '',
  ].join('\n'));
  const report = join(s.dir, 'report');
  const r = await s.run(['scenario', file, '--report', report, '--seed', '42']);
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
  const out = r.stdout;
  assert.match(out, /^wrong-read — A read that expects a value nobody wrote fails the run\.\n/);
  assert.match(out, /^✔ cluster: 3 nodes on 127\.0\.0\.1:\d+\.\.\d+, proxy :\d+, ready in [\d.]+ s/m);
  assert.match(out, /^✔ kill follower — killed node-\d \(follower, term \d+\)/m);
  assert.match(out, /^✖ get k → imagined \[FAILED: expected get k to read "imagined" within 8s; saw read "real"\]$/m);
  assert.match(out, /^↓ put k2=never-runs \[SKIPPED: step 3 failed\]$/m);
  assert.match(out, /^✔ stop the cluster and delete its state/m);
  assert.match(out, /^✖ wrong-read › step 3 › get k → imagined {2}\(.*wrong-read\.yaml:6\)$/m);
  assert.match(out, /^ {2}expected {2}get k to read "imagined" within 8s$/m);
  assert.match(out, /^ {2}seen {6}read "real"$/m);
  assert.match(out, /^ {4}NAME +PID +STATE +ROLE/m);
  assert.match(out, /^ {4}node-\d +- +crashed \(SIGKILL\)/m);
  assert.match(out, /^ {2}seed 42 · replay: raft-sup scenario .*wrong-read\.yaml --seed 42$/m);
  assert.match(out, /^✖ wrong-read: failed at step 3 of 4 in (?:[\d.]+ s|\d+ms) \(seed 42\)$/m);
  assert.match(out, /^report: .*wrong-read\.json, .*junit\.xml, .*wrong-read\.log$/m);
  assert.match(readFileSync(join(report, 'wrong-read.log'), 'utf8'), /^\d\d:\d\d:\d\d node-1 +│ /m, 'the cluster\'s log is kept with the report');

  const mine = new Set<number>();
  const json = JSON.parse(readFileSync(join(report, 'wrong-read.json'), 'utf8')) as ScenarioResult;
  assert.deepEqual(json.steps.map((x) => x.status), ['passed', 'passed', 'failed', 'skipped']);
  assert.equal(json.cluster.mode, 'fresh');
  assert.equal(json.log, join(report, 'wrong-read.log'));
  for (const p of json.steps[2]?.failure?.status?.processes ?? []) if (p.pid != null) mine.add(p.pid);
  for (const p of mine) seen.add(p);
  assert.equal(mine.size, 3, 'the status at the failure names the running processes');
  assert.match(readFileSync(join(report, 'junit.xml'), 'utf8'), /<failure message="expected get k to read &quot;imagined&quot; within 8s; saw read &quot;real&quot;"/);
  assert.deepEqual(s.clusterDirs(), [], 'the cluster\'s temp state dir was deleted');
  assert.deepEqual([...mine].filter((p) => isAlive(p)), [], 'every process of the cluster was stopped');
});

test('Ctrl+C during a step: exit 130, the step shows interrupted, the rest skipped, the cluster torn down', async () => {
  const file = s.file('forever.yaml', [
    'name: forever',
    'description: Waits for a key nobody writes, until interrupted.',
    'steps:',
    '  - put: { key: a, value: b }',
    '  - await: { key: never-written, value: x, within: 5m }',
    '  - put: { key: c, value: d }',
    '',
  ].join('\n'));
  const child = s.spawn(['scenario', file]);
  const mine = new Set<number>();
  let r;
  let t0 = 0;
  try {
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    await waitFor(() => out.includes('❯ await never-written'), 90_000, `the await step to start (output so far: ${out})`);
    const [dir] = s.clusterDirs();
    assert.ok(dir !== undefined, 'the fresh cluster lives in the CLI\'s temp dir');
    const status = await new SupervisorClient(join(s.tmp, dir)).status();
    for (const p of status.processes) if (p.pid != null) mine.add(p.pid);
    for (const p of mine) seen.add(p);
    assert.equal(mine.size, 4, 'three nodes and the proxy');
    t0 = Date.now();
    child.kill('SIGINT');
    r = await child;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL'); // its children follow through their lifeline
  }
  assert.equal(r.exitCode, 130, `${String(r.stdout)}\n${String(r.stderr)}`);
  assert.ok(Date.now() - t0 < 30_000, 'it stopped promptly');
  assert.match(String(r.stderr), /SIGINT: stopping the scenario and its cluster/);
  assert.match(String(r.stdout), /^✖ await never-written = "x" on proxy \(linearizable reads\)|^✖ await never-written/m);
  assert.match(String(r.stdout), /^↓ put c=d \[SKIPPED: interrupted\]$/m);
  assert.match(String(r.stdout), /^↯ forever: interrupted at step 2/m);
  assert.deepEqual(s.clusterDirs(), []);
  assert.deepEqual([...mine].filter((p) => isAlive(p)), []);
});
