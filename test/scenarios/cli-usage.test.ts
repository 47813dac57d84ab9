// `raft-sup scenario` refusing bad input before anything starts: a malformed file (exit 2, every
// problem with file:line:col and a code frame, and no cluster dir was ever created), an unknown name
// (a suggestion), flags that do not go together, no cluster to attach to. And `scenario list`.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Scratch } from './cli-helpers.js';

const s = new Scratch();
after(() => s.remove());

test('a malformed file is refused with exit 2, file:line:col and a code frame, before any process starts', async () => {
  const file = s.file('broken.yaml', 'name: broken\ndescription: Two mistakes.\nsteps:\n  - kil: leader\n  - await: { leader: elected, within: 3 }\n');
  const r = await s.run(['scenario', file]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '', 'nothing ran, so no checklist');
  assert.match(r.stderr, /^raft-sup: 2 problems in .*broken\.yaml:\n/);
  assert.match(r.stderr, /broken\.yaml:4:5: steps\[0\]: unknown step `kil` — did you mean `kill`\?\n {5}4 \| {3}- kil: leader\n {7}\| {5}\^\n/);
  assert.match(r.stderr, /broken\.yaml:5:39: steps\[1\]\.await\.within: expected a duration like 500ms/);
  assert.deepEqual(s.clusterDirs(), [], 'no cluster state dir was created');
  assert.ok(!r.stderr.includes('    at '), 'no stack trace');
});

test('invalid YAML is refused the same way', async () => {
  const file = s.file('syntax.yaml', 'name: x\nsteps: [\n');
  const r = await s.run(['scenario', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /syntax\.yaml:\d+:\d+: invalid YAML/);
  assert.deepEqual(s.clusterDirs(), []);
});

test('an unknown built-in suggests the closest name', async () => {
  const r = await s.run(['scenario', 'leader-crsh']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^raft-sup: no built-in scenario named `leader-crsh` — did you mean `leader-crash`\?/);
});

test('--dir without --attach, a bad --seed, and --attach with no cluster running are usage errors (exit 2)', async () => {
  const [dir, seed, attach] = await Promise.all([
    s.run(['scenario', 'leader-crash', '--dir', 'x']),
    s.run(['scenario', 'leader-crash', '--seed', 'abc']),
    s.run(['scenario', 'leader-crash', '--attach', '--dir', `${s.dir}/nothing`]),
  ]);
  assert.equal(dir.code, 2);
  assert.match(dir.stderr, /--dir only applies with --attach/);
  assert.equal(seed.code, 2);
  assert.match(seed.stderr, /--seed: expected an integer, received "abc"/);
  assert.equal(attach.code, 2);
  assert.equal(attach.stderr, `raft-sup: no cluster is running in ${s.dir}/nothing; start one with \`raft-sup up -d --dir ${s.dir}/nothing\``);
  assert.deepEqual(s.clusterDirs(), []);
});

test('scenario list shows every built-in with its description', async () => {
  const r = await s.run(['scenario', 'list']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.split('\n').filter((l) => /^[a-z-]+ {2,}\S/.test(l));
  assert.equal(rows.length, 10, r.stdout);
  assert.match(r.stdout, /^leader-crash +The leader dies; the proxy finds the new leader and writes keep succeeding\.$/m);
});
