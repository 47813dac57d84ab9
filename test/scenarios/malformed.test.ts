// A malformed scenario is refused before anything runs, and the message says where (file:line:col and
// the step path), what was expected, what was found, and the likely fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatScenarioError } from '../../src/scenarios/index.js';
import { UsageError } from '../../src/shared/index.js';
import { reject, withSteps } from './helpers.js';

interface Case {
  readonly name: string;
  readonly text: string;
  /** Every string must appear in the error message. */
  readonly has: readonly string[];
  /** Exactly this many problems reported (all of them, not just the first). */
  readonly count?: number;
}

const CASES: readonly Case[] = [
  {
    name: 'an unknown step suggests the closest one',
    text: withSteps('- put: { key: a, value: b }', '- kil: leader'),
    has: ['my-scenario.yaml:5:5:', 'steps[1]:', 'unknown step `kil` — did you mean `kill`?'],
  },
  {
    name: 'sleep is refused with the reason and the alternative',
    text: withSteps('- sleep: 3s'),
    has: ['my-scenario.yaml:4:5:', 'unknown step `sleep`', 'scenarios do not sleep', '`await`'],
  },
  {
    name: 'an unknown field inside a step suggests the closest field',
    text: withSteps('- put: { key: a, valeu: b }'),
    has: ['my-scenario.yaml:4:20:', 'steps[0].put.valeu:', 'unknown field `valeu` in `put` — did you mean `value`?'],
    count: 1,
  },
  {
    name: 'a get with `value` is told to use `expect`',
    text: withSteps('- get: { key: a, value: b }'),
    has: ['steps[0].get.value:', 'a get checks what it reads with `expect`'],
  },
  {
    name: 'a number where a string is expected is not coerced, and the fix is to quote it',
    text: withSteps('- put: { key: a, value: 007 }'),
    has: ['my-scenario.yaml:4:27:', 'steps[0].put.value:', 'expected a value (a string), found the number 007', 'quote it to make it text: "007"'],
  },
  {
    name: 'a malformed duration says what durations look like and what was found',
    text: withSteps('- await: { leader: elected, within: 3 seconds }'),
    has: ['my-scenario.yaml:4:39:', 'steps[0].await.within:', 'expected a duration like 500ms, 3s or 1m', 'found "3 seconds"'],
  },
  {
    name: 'a misspelt variable suggests the real one',
    text: withSteps('- kill: leader', '- start: $kiled'),
    has: ['my-scenario.yaml:5:12:', 'steps[1].start:', 'unknown variable `$kiled` — did you mean `$killed`?'],
  },
  {
    name: 'a variable used before the step that sets it names that step and its line',
    text: withSteps('- start: $killed', '- kill: leader'),
    has: ['my-scenario.yaml:4:12:', 'steps[0].start:', '`$killed` is used before any step sets it', 'first set by steps[1] on line 5'],
  },
  {
    name: 'a builtin variable never set says which step would set it',
    text: withSteps('- resume: $paused'),
    has: ['steps[0].resume:', '`$paused` is used before any step sets it', 'a `pause` step sets it'],
  },
  {
    name: 'a node id outside the cluster says how many nodes exist and how to get more',
    text: withSteps('- kill: 4'),
    has: ['steps[0].kill:', 'node 4 does not exist: the cluster has 3 nodes', 'cluster: { nodes: 4 }'],
  },
  {
    name: 'an unknown target keyword suggests the closest',
    text: withSteps('- pause: leadr'),
    has: ['my-scenario.yaml:4:12:', 'steps[0].pause:', 'unknown target "leadr" — did you mean `leader`?'],
  },
  {
    name: 'a write to several processes at once is refused',
    text: withSteps('- put: { key: a, value: b, from: followers }'),
    has: ['steps[0].put.from:', 'expected one process to send the request to', '`follower`'],
  },
  {
    name: 'an unknown error code suggests the closest code',
    text: withSteps('- put: { key: a, value: b, expect_error: NO_QORUM }'),
    has: ['steps[0].put.expect_error:', 'unknown error code `NO_QORUM` — did you mean `NO_QUORUM`?'],
  },
  {
    name: 'two steps in one list item are pointed out',
    text: withSteps('- kill: leader', '  put: { key: a, value: b }'),
    has: ['my-scenario.yaml:5:5:', 'steps[0]:', 'one step per list item, found `kill` and `put`'],
  },
  {
    name: 'a step field written beside the step is blamed on indentation',
    text: withSteps('- put: { key: a }', '  value: b'),
    has: ['steps[0].value:', '`value` belongs inside `put`', 'check the indentation', 'steps[0].put: `put` needs `value`'],
    count: 2,
  },
  {
    name: 'the same option inside and beside a step is refused',
    text: withSteps('- await: { leader: elected, within: 3s }', '  within: 5s'),
    has: ['steps[0].await.within:', '`within` is given twice, here and at steps[0].within'],
  },
  {
    name: 'a missing name and a misspelt steps are reported once each (no "needs steps" echo)',
    text: 'description: x\nstep:\n  - heal\n',
    has: ['my-scenario.yaml:1:1: a scenario needs `name`', 'my-scenario.yaml:2:1: step: unknown field `step` in a scenario — did you mean `steps`?'],
    count: 2,
  },
  {
    name: 'a scenario without steps is told so',
    text: 'name: t\ndescription: d\n',
    has: ['my-scenario.yaml:1:1: a scenario needs `steps`'],
    count: 1,
  },
  {
    name: 'a wrong cluster size is refused with the accepted range',
    text: 'name: t\ndescription: d\ncluster: { nodes: "3" }\nsteps:\n  - heal\n',
    has: ['my-scenario.yaml:3:19:', 'cluster.nodes:', 'expected a number of nodes from 1 to 9, found the string "3"'],
  },
  {
    name: 'YAML syntax errors carry their line and column',
    text: 'name: t\ndescription: d\nsteps:\n  - put: { key: a, value: b }\n    - heal\n',
    has: ['my-scenario.yaml:5:', 'invalid YAML'],
  },
  {
    name: 'a duplicate key is a YAML error on the second copy',
    text: 'name: t\nname: u\ndescription: d\nsteps:\n  - heal\n',
    has: ['my-scenario.yaml:2:1:', 'a key appears twice'],
  },
  {
    name: 'leader: changed with nothing to compare against is explained',
    text: withSteps('- await: { leader: changed }'),
    has: ['steps[0].await.leader:', '`leader: changed` compares with `$leader`, which no earlier step sets'],
  },
  {
    name: 'a condition mixing two kinds of await is refused',
    text: withSteps('- await: { leader: elected, node: 1 }'),
    has: ['steps[0].await.node:', '`node` does not go with `leader`: one condition per await'],
  },
  {
    name: 'caught_up must be true',
    text: withSteps('- await: { node: 1, caught_up: yes }'),
    has: ['steps[0].await.caught_up:', 'expected true', 'found the string "yes"'],
  },
  {
    name: 'a check that would wait forever on an endless load is caught at parse time',
    text: withSteps('- load: { clients: 2 }', '- check'),
    has: ['steps[1]:', '`check` waits for loads to finish, but `load` has no `duration` or `ops`', 'add `stop_load` before it'],
  },
  {
    name: 'stop_load of an unknown load suggests a known one',
    text: withSteps('- load: { name: bg, duration: 2s }', '- stop_load: bgg'),
    has: ['steps[1].stop_load:', 'no load named `bgg` — did you mean `bg`?'],
  },
  {
    name: 'a load with both duration and ops is refused',
    text: withSteps('- load: { duration: 2s, ops: 10 }'),
    has: ['steps[0].load.ops:', 'a load ends after `duration` or after `ops` operations, not both'],
  },
  {
    name: 'within does not apply to load',
    text: withSteps('- load: { duration: 2s, within: 3s }'),
    has: ['steps[0].load.within:', '`within` does not apply to `load`'],
  },
  {
    name: 'a partition with a node on both sides is refused',
    text: withSteps('- partition: "1,2 2,3"'),
    has: ['steps[0].partition:', 'node 2 is in two groups'],
  },
  {
    name: 'a partition with one group suggests isolate',
    text: withSteps('- partition: [[1, 2]]'),
    has: ['steps[0].partition:', 'at least two groups', 'use `isolate`'],
  },
  {
    name: 'a kill signal without SIG is corrected',
    text: withSteps('- kill: { target: 1, signal: TERM }'),
    has: ['steps[0].kill.signal:', 'did you mean `SIGTERM`?'],
  },
  {
    name: 'expect and expect_error on one get contradict each other',
    text: withSteps('- get: { key: a, expect: b, expect_error: true }'),
    has: ['steps[0].get.expect_error:', 'either a value (`expect`) or an error (`expect_error`), not both'],
  },
  {
    name: 'KEY_NOT_FOUND on a get points to expect: null',
    text: withSteps('- get: { key: a, expect_error: KEY_NOT_FOUND }'),
    has: ['write `expect: null`'],
  },
  {
    name: 'a put of null points to delete',
    text: withSteps('- put: { key: a, value: null }'),
    has: ['steps[0].put.value:', 'expected a value (a string), found nothing (null)', 'use a `delete` step'],
  },
  {
    name: 'a step that needs a value cannot be bare',
    text: withSteps('- kill'),
    has: ['steps[0]:', '`kill` needs a value (e.g. `kill: leader`)'],
  },
  {
    name: 'the proxy cannot be awaited to catch up',
    text: withSteps('- await: { node: proxy, caught_up: true }'),
    has: ['steps[0].await.node:', 'expected nodes, found `proxy`'],
  },
  {
    name: 'an empty file says so',
    text: '',
    has: ['my-scenario.yaml:1:1:', 'found an empty file'],
  },
  {
    name: 'a file that is a list, not a map',
    text: '- put: { key: a, value: b }\n',
    has: ['my-scenario.yaml:1:1:', 'expected a scenario: a map with name, description and steps, found a list'],
  },
  {
    name: 'every problem in the file is reported, in file order',
    text: withSteps('- kil: leader', '- put: { key: a, value: 1 }', '- await: { leader: elected, within: 3 }', '- start: $nobody'),
    // `within: 3` is refused: a bare number is milliseconds, and 3ms is surely a slip for 3s.
    has: ['4 problems in my-scenario.yaml', 'steps[0]', 'steps[1].put.value', 'steps[2].await.within: expected a duration', 'write 3s for seconds', 'steps[3].start'],
    count: 4,
  },
];

for (const c of CASES) {
  test(`malformed: ${c.name}`, () => {
    const err = reject(c.text);
    for (const fragment of c.has) assert.ok(err.message.includes(fragment), `message lacks ${JSON.stringify(fragment)}:\n${err.message}`);
    if (c.count !== undefined) assert.equal(err.issues.length, c.count, err.message);
    // Every issue is positioned inside the file and the issues come in file order.
    const lines = c.text.split('\n').length;
    for (const issue of err.issues) assert.ok(issue.line >= 1 && issue.line <= lines && issue.col >= 1, `bad position ${issue.line}:${issue.col}`);
    const order = err.issues.map((i) => i.line * 10_000 + i.col);
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
  });
}

test('the table covers at least fifteen distinct malformed files', () => {
  assert.ok(CASES.length >= 15);
  assert.equal(new Set(CASES.map((c) => c.text)).size, CASES.length);
});

test('a ScenarioError is a UsageError (exit 2), and the code frame points at the column', () => {
  const err = reject(withSteps('- kil: leader'));
  assert.ok(err instanceof UsageError);
  assert.equal(err.issues.length, 1);
  const frame = formatScenarioError(err).split('\n');
  assert.equal(frame[0], 'my-scenario.yaml:4:5: steps[0]: unknown step `kil` — did you mean `kill`?');
  assert.equal(frame[1], '     4 |   - kil: leader');
  assert.equal(frame[2], '       |     ^');
});
