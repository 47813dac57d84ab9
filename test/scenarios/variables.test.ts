// Variables: steps bind what they acted on, and every `$var` must be bound by an earlier step —
// checked at parse time, so a scenario never breaks a cluster and then trips over a typo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_VARIABLES } from '../../src/scenarios/index.js';
import { parse, reject, withSteps } from './helpers.js';

test('each process action and isolate binds its past tense; targeting the leader also binds $leader', () => {
  const s = parse(withSteps(
    '- kill: 1', '- start: 1', '- stop: 2', '- restart: 2', '- pause: leader', '- resume: $paused', '- isolate: 3', '- heal',
  ));
  assert.deepEqual(s.steps.map((st) => st.binds), [
    ['killed'], ['started'], ['stopped'], ['restarted'], ['paused', 'leader'], ['resumed'], ['isolated'], [],
  ]);
  assert.deepEqual([...BUILTIN_VARIABLES].sort(), ['isolated', 'killed', 'leader', 'paused', 'restarted', 'resumed', 'started', 'stopped']);
});

test('reading from or awaiting the leader binds $leader, so `leader: changed` can follow', () => {
  assert.doesNotThrow(() => parse(withSteps('- get: { key: a, from: leader }', '- await: { leader: changed }')));
  assert.doesNotThrow(() => parse(withSteps('- await: { leader: elected }', '- await: { leader: changed }')));
  assert.doesNotThrow(() => parse(withSteps('- kill: leader', '- await: { leader: changed }')));
  assert.doesNotThrow(() => parse(withSteps('- await: { leader: elected }', '- get: { key: a, from: $leader, consistency: stale }')));
  assert.match(reject(withSteps('- kill: follower', '- await: { leader: changed }')).message, /`leader: changed` compares with `\$leader`, which no earlier step sets/);
  assert.match(reject(withSteps('- get: { key: a, from: $leader }')).message, /`\$leader` is used before any step sets it \(a step that targets `leader`/);
});

test('a variable is usable only after the step that binds it, and the rebinding is the latest one', () => {
  const s = parse(withSteps('- kill: 1', '- start: $killed', '- kill: 2', '- start: $killed'));
  assert.equal(s.steps.length, 4);
  const err = reject(withSteps('- start: $killed', '- kill: 1', '- start: $killed'));
  assert.equal(err.issues.length, 1);
  assert.equal(err.issues[0]?.path, 'steps[0].start');
  assert.match(err.message, /first set by steps\[1\] on line 5/);
});

test('a step may not use the variable it is about to bind', () => {
  assert.match(reject(withSteps('- kill: $killed')).message, /`\$killed` is used before any step sets it \(it is first set by steps\[0\]/);
});

test('`as` adds a name of your own; built-in names and bad names are refused', () => {
  const s = parse(withSteps('- stop: { target: follower, as: first }', '- stop: { target: follower, as: $second }', '- start: [$first, $second]'));
  assert.deepEqual(s.steps.map((st) => st.binds), [['stopped', 'first'], ['stopped', 'second'], ['started']]);
  assert.match(reject(withSteps('- stop: { target: 1, as: killed }')).message, /`\$killed` is set by steps themselves; pick another name for `as`/);
  assert.match(reject(withSteps('- stop: { target: 1, as: Bad-Name }')).message, /steps\[0\]\.stop\.as: expected a variable name: lowercase letters/);
  assert.match(reject(withSteps('- stop: { target: 1, as: first }', '- start: $frist')).message, /unknown variable `\$frist` — did you mean `\$first`\?/);
});

test('variables in partitions, awaits and endpoints are checked the same way', () => {
  assert.match(reject(withSteps('- partition: [[$isolated], [1]]')).message, /steps\[0\]\.partition\[0\]\[0\]: `\$isolated` is used before any step sets it \(an `isolate` step sets it\)/);
  assert.match(reject(withSteps('- await: { node: $restarted, caught_up: true }')).message, /steps\[0\]\.await\.node: `\$restarted` is used before/);
  assert.match(reject(withSteps('- await: { key: a, value: b, on: $stopped }')).message, /steps\[0\]\.await\.on: `\$stopped` is used before/);
  assert.doesNotThrow(() => parse(withSteps('- isolate: 1', '- put: { key: a, value: b, from: $isolated, expect_error: true }', '- heal')));
});

test('one unknown variable is one error, not a cascade through the steps that use its shape', () => {
  const err = reject(withSteps('- kill: $nobody', '- put: { key: a, value: b, from: $killed }'));
  assert.equal(err.issues.length, 1, err.message);
});
