// Each step's normalised form: defaults filled in, options accepted inside or beside the step, and the
// one-line titles the runner shows for steps without a `name`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CHECKS, DEFAULT_WITHIN, describeStep, LOAD_DEFAULTS, STEP_KINDS, type Step } from '../../src/scenarios/index.js';
import { FILE, parse, reject, withSteps } from './helpers.js';

const one = (line: string, ...more: string[]): Step => {
  const s = parse(withSteps(line, ...more));
  const last = s.steps[s.steps.length - 1];
  assert.ok(last !== undefined);
  return last;
};

test('a scenario keeps its name, description, seed and file; each step knows where it came from', () => {
  const s = parse('name: demo\ndescription: "  A demo.  "\nseed: 42\nsteps:\n  - heal\n  - put: { key: a, value: b }\n');
  assert.deepEqual([s.name, s.description, s.seed, s.file], ['demo', 'A demo.', 42, FILE]);
  assert.deepEqual(s.steps.map((st) => [st.index, st.path, st.source.line, st.source.col]), [[0, 'steps[0]', 5, 5], [1, 'steps[1]', 6, 5]]);
  assert.equal(s.steps[1]?.source.file, FILE);
});

test('put/get/delete/cas fill in defaults: proxy, linearizable, no expectation, default deadline, no retry', () => {
  const put = one('- put: { key: a, value: b }');
  assert.deepEqual(put, {
    kind: 'put', index: 0, path: 'steps[0]', source: { file: FILE, line: 4, col: 5 }, label: undefined, binds: [],
    within: DEFAULT_WITHIN.put, withinExplicit: false, retry: 0,
    key: 'a', value: 'b', endpoint: [{ kind: 'keyword', keyword: 'proxy', text: 'proxy' }], expectError: undefined, allowError: undefined,
  });
  const get = one('- get: { key: a }');
  assert.ok(get.kind === 'get');
  assert.deepEqual([get.consistency, get.expect, get.expectError], ['linearizable', undefined, undefined]);
  const absent = one('- get: { key: a, expect: null, consistency: stale }');
  assert.ok(absent.kind === 'get');
  assert.deepEqual([absent.consistency, absent.expect], ['stale', { value: null }]);
  const del = one('- delete: { key: a, deleted: false }');
  assert.ok(del.kind === 'delete' && del.expectDeleted === false);
  const cas = one('- cas: { key: a, from: null, to: b }');
  assert.ok(cas.kind === 'cas' && cas.from === null && cas.to === 'b');
});

test('expect_error and allow_error take true, one code or a list of codes', () => {
  const a = one('- put: { key: a, value: b, expect_error: true }');
  assert.ok(a.kind === 'put');
  assert.deepEqual(a.expectError, { kind: 'any' });
  const b = one('- put: { key: a, value: b, expect_error: [NO_QUORUM, TIMEOUT, NO_QUORUM] }');
  assert.ok(b.kind === 'put');
  assert.deepEqual(b.expectError, { kind: 'codes', codes: ['NO_QUORUM', 'TIMEOUT'] });
  const c = one('- get: { key: a, expect: b, allow_error: NOT_LEADER }');
  assert.ok(c.kind === 'get');
  assert.deepEqual([c.expect, c.allowError, c.expectError], [{ value: 'b' }, { kind: 'codes', codes: ['NOT_LEADER'] }, undefined]);
  assert.match(reject(withSteps('- put: { key: a, value: b, expect_error: false }')).message, /found false \(leave `expect_error` out when the step must succeed\)/);
  assert.match(reject(withSteps('- put: { key: a, value: b, expect_error: true, allow_error: true }')).message, /contradict each other/);
});

test('keys and values are checked against the API limits before anything runs', () => {
  assert.match(reject(withSteps('- put: { key: "", value: b }')).message, /steps\[0\]\.put\.key: expected a key of 1 to 1024 bytes without control characters, found the string "" \(the key must not be empty\)/);
  assert.match(reject(withSteps(`- get: { key: "${'k'.repeat(1025)}" }`)).message, /must be at most 1024 bytes/);
  assert.match(reject(withSteps('- put: { key: "a\\tb", value: b }')).message, /must not contain control characters/);
});

test('options may sit inside the step map or beside the step; labels become `label`', () => {
  const inside = one('- await: { leader: elected, within: 3s, retry: 2, name: first election }');
  const beside = one('- await: { leader: elected }', '  within: 3s', '  retry: 2', '  name: first election');
  for (const st of [inside, beside]) {
    assert.ok(st.kind === 'await');
    assert.deepEqual([st.within, st.retry, st.label], [3000, 2, 'first election']);
  }
  const scalar = one('- kill: leader', '  name: crash it', '  retry: 1');
  assert.deepEqual([scalar.label, scalar.kind === 'kill' && scalar.retry], ['crash it', 1]);
  assert.match(reject(withSteps('- heal:', '  retry: -1')).message, /steps\[0\]\.retry: expected a number of retries from 0 to 100, found the number -1/);
  assert.match(reject(withSteps('- kill: 1', '  name: ""')).message, /steps\[0\]\.name: expected a label/);
});

test('await conditions normalise to one tagged union', () => {
  const cond = (line: string, ...before: string[]): unknown => {
    const st = before.length === 0 ? one(line) : one(before[0] as string, ...before.slice(1), line);
    assert.ok(st.kind === 'await');
    return st.condition;
  };
  assert.deepEqual(cond('- await: { leader: elected }'), { kind: 'leader-elected' });
  assert.deepEqual(cond('- await: { leader: none }'), { kind: 'leader-none' });
  assert.deepEqual(cond('- await: { leader: changed }', '- kill: leader'), { kind: 'leader-changed' });
  assert.deepEqual(cond('- await: { node: all, caught_up: true }'), { kind: 'caught-up', nodes: [{ kind: 'keyword', keyword: 'all', text: 'all' }] });
  assert.deepEqual(cond('- await: { key: a, value: null }'), { kind: 'key-value', key: 'a', value: null, on: [{ kind: 'keyword', keyword: 'proxy', text: 'proxy' }], consistency: 'linearizable' });
  assert.deepEqual(cond('- await: { key: a, value: b, on: 2 }'), { kind: 'key-value', key: 'a', value: 'b', on: [{ kind: 'node', id: 2, text: '2' }], consistency: 'stale' });
  assert.deepEqual(cond('- await: { load: bg, ops: 10 }', '- load: { name: bg }'), { kind: 'load-progress', load: 'bg', ops: 10 });
  assert.deepEqual(cond('- await: { load: bg, done: true }', '- load: { name: bg, ops: 50 }'), { kind: 'load-done', load: 'bg' });
  assert.match(reject(withSteps('- await: { within: 3s }')).message, /`await` needs a condition/);
  assert.match(reject(withSteps('- await: { leader: elcted }')).message, /expected `elected`, `changed` or `none`, found the string "elcted" — did you mean `elected`\?/);
  assert.match(reject(withSteps('- load: { name: bg }', '- await: { load: bg, done: true }')).message, /load `bg` has no `duration` or `ops`, so it never ends by itself: use `stop_load: bg`/);
  assert.match(reject(withSteps('- load: { name: bg, ops: 5 }', '- await: { load: bg, ops: 6 }')).message, /stops after 5 operations, so it never reaches 6/);
  assert.match(reject(withSteps('- await: { load: bg, ops: 6 }')).message, /no load named `bg` was started before this step/);
});

test('load fills in defaults and names its keys; stop_load and check resolve against known loads', () => {
  const s = parse(withSteps('- load: {}', '- load: { name: w, clients: 8, ops: 100, keys: [x, y], mix: { put: 3, cas: 1 } }', '- stop_load', '- check'));
  const [a, b, stop, check] = s.steps;
  assert.ok(a?.kind === 'load' && b?.kind === 'load' && stop?.kind === 'stop_load' && check?.kind === 'check');
  assert.deepEqual([a.name, a.clients, a.limit, a.keys.length, a.mix], [LOAD_DEFAULTS.name, LOAD_DEFAULTS.clients, { kind: 'manual' }, LOAD_DEFAULTS.keys, LOAD_DEFAULTS.mix]);
  assert.equal(a.keys[0], 'load-k0');
  assert.deepEqual([b.name, b.clients, b.limit, b.keys, b.mix], ['w', 8, { kind: 'ops', count: 100 }, ['x', 'y'], { put: 3, get: 0, cas: 1 }]);
  assert.deepEqual(stop.loads, ['load', 'w']);
  assert.deepEqual(check.checks, DEFAULT_CHECKS);
  assert.match(reject(withSteps('- load: { mix: { put: 0 } }')).message, /steps\[0\]\.load\.mix: expected at least one weight above 0/);
  assert.match(reject(withSteps('- load: { keys: [a, a] }')).message, /key "a" is listed twice/);
  assert.match(reject(withSteps('- load: {}', '- load: {}')).message, /a load named `load` already exists \(steps\[0\]\)/);
  assert.match(reject(withSteps('- stop_load')).message, /`stop_load` with no load started before it/);
  assert.match(reject(withSteps('- check: all')).message, /unknown check `all` — name the checks/);
  assert.match(reject(withSteps('- check: [linearisable]')).message, /unknown check `linearisable` — did you mean `linearizable`\?/);
  const checks = one('- check: [linearizable, no_failed_writes]');
  assert.deepEqual(checks.kind === 'check' && checks.checks, ['linearizable', 'no_failed_writes']);
});

test('every step kind has a title, and titles read the same however the YAML was spelled', () => {
  const s = parse(withSteps(
    '- put: { key: a, value: b }', '- get: { key: a, expect: b, from: followers }', '- delete: { key: a }',
    '- cas: { key: a, from: null, to: c }', '- kill: { target: leader, signal: SIGTERM }', '- start: $killed', '- stop: 1',
    '- restart: 2', '- pause: 3', '- resume: $paused', '- partition: "1 2,3"', '- isolate: 1', '- heal',
    '- await: { leader: elected }', '- load: { duration: 1s }', '- stop_load: load', '- check: linearizable',
  ));
  assert.deepEqual(new Set(s.steps.map((st) => st.kind)), new Set(STEP_KINDS));
  assert.deepEqual(s.steps.map(describeStep), [
    'put a=b', 'get a from followers → b', 'delete a', 'cas a absent → c', 'kill leader (SIGTERM)', 'start $killed', 'stop 1',
    'restart 2', 'pause 3', 'resume $paused', 'partition 1 | 2,3', 'isolate 1', 'heal all links',
    'await leader elected within 10s', 'load load: 4 clients on 5 keys for 1s in the background', 'stop load load', 'check linearizable',
  ]);
  assert.equal(describeStep(one('- partition: [[1], [2, 3]]')), 'partition 1 | 2,3');
  assert.equal(describeStep(one('- put: { key: a, value: b, expect_error: [NO_QUORUM, TIMEOUT], within: 8s }')), 'put a=b fails with NO_QUORUM or TIMEOUT within 8s');
});

test('parsing is deterministic: the same text gives the same scenario', () => {
  const text = withSteps('- kill: follower', '- await: { leader: elected }', '- start: $killed');
  assert.deepEqual(parse(text), parse(text));
});
