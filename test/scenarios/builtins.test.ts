// The built-in scenarios: each parses, is named after its file, describes itself in one line, and the
// loader finds them by name or by path (and suggests a name on a typo).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_DIR, builtinNames, describeStep, listBuiltins, loadScenario, ScenarioError, type Step } from '../../src/scenarios/index.js';

const REQUIRED = [
  'basic-write-read', 'leader-crash', 'follower-outage', 'rejoin', 'leader-pause', 'minority-partition',
  'no-quorum', 'full-restart-durability', 'graceful-leader-restart', 'crash-under-load',
];

test('every required built-in exists and nothing else hides in scenarios/', async () => {
  assert.deepEqual(await builtinNames(), [...REQUIRED].sort());
});

test('every built-in parses, is named after its file and has a one-line description', async () => {
  const list = await listBuiltins();
  assert.equal(list.length, REQUIRED.length);
  for (const b of list) {
    const s = await loadScenario(b.name);
    assert.equal(s.name, b.name, `${b.file}: name must match the file name`);
    assert.equal(s.description, b.description);
    assert.ok(!s.description.includes('\n') && s.description.length >= 20 && s.description.length <= 160, `${b.name}: description should be one readable line`);
    assert.ok(s.steps.length >= 5, `${b.name}: a scenario worth running has a few steps`);
    for (const step of s.steps) assert.ok(describeStep(step).length > 0);
  }
});

test('the SPEC leader-crash sketch is the start of the leader-crash built-in, step for step', async () => {
  const s = await loadScenario('leader-crash');
  const titles = s.steps.slice(0, 9).map(describeStep);
  assert.deepEqual(titles, [
    'put data1=hola',
    'get data1 → hola',
    'kill leader',
    'await leader elected within 3s',
    'put data2=mundo',
    'get data2 from followers → mundo',
    'start $killed',
    'await $killed caught up within 5s',
    'get data1 from $killed (stale) → hola',
  ]);
  assert.deepEqual(s.cluster, { nodes: 3 });
});

test('the built-ins exercise the whole vocabulary', async () => {
  const kinds = new Set<string>();
  const conditions = new Set<string>();
  for (const name of REQUIRED) {
    for (const step of (await loadScenario(name)).steps as Step[]) {
      kinds.add(step.kind);
      if (step.kind === 'await') conditions.add(step.condition.kind);
    }
  }
  for (const k of ['put', 'get', 'delete', 'cas', 'kill', 'start', 'stop', 'restart', 'pause', 'resume', 'partition', 'isolate', 'heal', 'await', 'load', 'check']) {
    assert.ok(kinds.has(k), `no built-in uses ${k}`);
  }
  for (const c of ['leader-elected', 'leader-changed', 'leader-none', 'caught-up', 'key-value', 'load-done', 'load-progress']) {
    assert.ok(conditions.has(c), `no built-in awaits ${c}`);
  }
});

test('writes that must fail carry an error expectation and a deadline in the no-quorum built-ins', async () => {
  for (const name of ['follower-outage', 'no-quorum']) {
    const s = await loadScenario(name);
    const failing = s.steps.filter((st) => (st.kind === 'put' || st.kind === 'get') && st.expectError !== undefined);
    assert.ok(failing.length >= 1, name);
    for (const st of failing) assert.ok('withinExplicit' in st && st.withinExplicit, `${name} ${st.path}: a must-fail step states its deadline`);
  }
});

test('a scenario loads by path, and a path that is not a file is a ScenarioError', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'raft-sup-scen-'));
  try {
    const file = join(dir, 'mine.yaml');
    await writeFile(file, 'name: mine\ndescription: My own scenario.\nsteps:\n  - put: { key: a, value: b }\n');
    const s = await loadScenario(file);
    assert.equal(s.name, 'mine');
    assert.equal(s.steps.length, 1);
    await assert.rejects(loadScenario(join(dir, 'nope.yaml')), (err: unknown) => err instanceof ScenarioError && /no scenario file at .*nope\.yaml/.test(err.message));
    await assert.rejects(loadScenario(dir), (err: unknown) => err instanceof ScenarioError && /no scenario file at/.test(err.message));
    await writeFile(file, 'name: mine\ndescription: d\nsteps:\n  - kil: 1\n');
    await assert.rejects(loadScenario(file), (err: unknown) => err instanceof ScenarioError && err.message.includes('mine.yaml:4:5: steps[0]: unknown step `kil`'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a misspelt built-in name suggests the right one and lists the built-ins', async () => {
  await assert.rejects(loadScenario('leader-crsh'), (err: unknown) => {
    assert.ok(err instanceof ScenarioError);
    assert.match(err.message, /no built-in scenario named `leader-crsh` — did you mean `leader-crash`\?/);
    assert.match(err.message, /built-ins: basic-write-read, crash-under-load/);
    return true;
  });
});

test('the built-in folder is found relative to the compiled module', () => {
  assert.match(BUILTIN_DIR.replace(/\\/g, '/'), /\/scenarios\/$/);
  assert.doesNotMatch(BUILTIN_DIR, /dist/);
});
