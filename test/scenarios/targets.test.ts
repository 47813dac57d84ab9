// Targets: every spelling normalises to one form, and what a target may name depends on where it is used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROXY_TARGET, type Step, type Target } from '../../src/scenarios/index.js';
import { parse, reject, withSteps } from './helpers.js';

function targetsOf(step: Step | undefined): readonly Target[] {
  assert.ok(step !== undefined && 'targets' in step, 'a step with targets');
  return step.targets;
}

test('a node id as a number, a digit string or node-N is the same node', () => {
  const s = parse(withSteps('- kill: 2', '- start: "2"', '- stop: node-2'));
  for (const step of s.steps) {
    const [t] = targetsOf(step);
    assert.ok(t?.kind === 'node');
    assert.equal(t.id, 2);
  }
  assert.deepEqual(s.steps.map((st) => targetsOf(st)[0]?.text), ['2', '2', 'node-2']);
});

test('keywords, comma lists and YAML lists all parse; variables keep their name', () => {
  const s = parse(withSteps('- pause: leader', '- resume: $paused', '- stop: "1,2"', '- start: [1, node-2]', '- kill: followers', '- restart: all'));
  assert.deepEqual(targetsOf(s.steps[0]), [{ kind: 'keyword', keyword: 'leader', text: 'leader' }]);
  assert.deepEqual(targetsOf(s.steps[1]), [{ kind: 'var', name: 'paused', text: '$paused' }]);
  assert.deepEqual(targetsOf(s.steps[2]).map((t) => t.kind === 'node' && t.id), [1, 2]);
  assert.deepEqual(targetsOf(s.steps[3]).map((t) => t.kind === 'node' && t.id), [1, 2]);
  assert.deepEqual(targetsOf(s.steps[4]).map((t) => t.kind === 'keyword' && t.keyword), ['followers']);
  assert.deepEqual(targetsOf(s.steps[5]).map((t) => t.kind === 'keyword' && t.keyword), ['all']);
});

test('the object form takes target, as and (for kill) signal', () => {
  const s = parse(withSteps('- kill: { target: follower, signal: SIGTERM, as: victim, within: 2s }', '- start: $victim'));
  const [k, st] = s.steps;
  assert.ok(k?.kind === 'kill' && st?.kind === 'start');
  assert.equal(k.signal, 'SIGTERM');
  assert.deepEqual(k.binds, ['killed', 'victim']);
  assert.equal(k.within, 2000);
  assert.deepEqual(st.targets, [{ kind: 'var', name: 'victim', text: '$victim' }]);
  const plain = parse(withSteps('- kill: 1', '- stop: 2'));
  assert.equal(plain.steps[0]?.kind === 'kill' && plain.steps[0].signal, 'SIGKILL');
  assert.equal(plain.steps[1]?.kind === 'stop' && plain.steps[1].signal, undefined);
});

test('client operations go to the proxy unless `from` (or `on` for cas) says otherwise', () => {
  const s = parse(withSteps(
    '- put: { key: a, value: b }',
    '- get: { key: a, from: followers }',
    '- delete: { key: a, from: node-3 }',
    '- cas: { key: a, from: x, to: y, on: leader }',
  ));
  assert.deepEqual(s.steps[0]?.kind === 'put' && s.steps[0].endpoint, [PROXY_TARGET]);
  assert.deepEqual(s.steps[1]?.kind === 'get' && s.steps[1].endpoint.map((t) => t.text), ['followers']);
  assert.deepEqual(s.steps[2]?.kind === 'delete' && s.steps[2].endpoint.map((t) => t.text), ['node-3']);
  const cas = s.steps[3];
  assert.ok(cas?.kind === 'cas');
  assert.deepEqual([cas.from, cas.to, cas.endpoint.map((t) => t.text)], ['x', 'y', ['leader']]);
});

test('partition groups: the CLI string and the nested list are the same thing', () => {
  const a = parse(withSteps('- partition: "1,2 3"')).steps[0];
  const b = parse(withSteps('- partition: [[1, 2], [3]]')).steps[0];
  const c = parse(withSteps('- partition: { groups: ["1,2", 3] }')).steps[0];
  const ids = (st: Step | undefined): number[][] => {
    assert.ok(st?.kind === 'partition');
    return st.groups.map((g) => g.map((t) => (t.kind === 'node' ? t.id : -1)));
  };
  assert.deepEqual(ids(a), [[1, 2], [3]]);
  assert.deepEqual(ids(b), [[1, 2], [3]]);
  assert.deepEqual(ids(c), [[1, 2], [3]]);
  const kw = parse(withSteps('- partition: [[leader], [followers]]')).steps[0];
  assert.ok(kw?.kind === 'partition');
  assert.deepEqual(kw.binds, ['leader']);
});

test('cluster size bounds node ids, and a bigger cluster allows more', () => {
  assert.match(reject(withSteps('- kill: node-5')).message, /node-5 does not exist: the cluster has 3 nodes \(ids 1–3\)/);
  assert.match(reject(withSteps('- kill: 0')).message, /node 0 does not exist/);
  const five = parse('name: t\ndescription: d\ncluster: { nodes: 5 }\nsteps:\n  - kill: node-5\n');
  assert.deepEqual([five.cluster, five.clusterExplicit], [{ nodes: 5 }, true]);
  const dflt = parse(withSteps('- heal'));
  assert.deepEqual([dflt.cluster, dflt.clusterExplicit], [{ nodes: 3 }, false]);
});

test('where a target is used decides what it may name', () => {
  // One endpoint for writes; several are fine for reads.
  assert.match(reject(withSteps('- delete: { key: a, from: all }')).message, /steps\[0\]\.delete\.from: expected one process/);
  assert.match(reject(withSteps('- cas: { key: a, from: x, to: y, on: "1,2" }')).message, /steps\[0\]\.cas\.on: expected one process/);
  assert.doesNotThrow(() => parse(withSteps('- get: { key: a, from: all }')));
  // A variable that holds several nodes counts as several.
  assert.match(reject(withSteps('- kill: followers', '- put: { key: a, value: b, from: $killed }')).message, /steps\[1\]\.put\.from: expected one process to send the request to, found `\$killed`/);
  assert.doesNotThrow(() => parse(withSteps('- kill: follower', '- put: { key: a, value: b, from: $killed, expect_error: true }')));
  // The proxy has no log to catch up and no links to cut.
  assert.match(reject(withSteps('- isolate: proxy')).message, /steps\[0\]\.isolate: expected nodes, found `proxy`/);
  assert.match(reject(withSteps('- kill: proxy', '- await: { node: $killed, caught_up: true }')).message, /steps\[1\]\.await\.node: expected nodes, found `\$killed`, which is the proxy/);
  assert.doesNotThrow(() => parse(withSteps('- kill: proxy', '- start: $killed')));
});

test('malformed targets are refused with what a target looks like', () => {
  assert.match(reject(withSteps('- kill: "1,,2"')).message, /steps\[0\]\.kill: expected a target: a node id \(2\), node-2, leader/);
  assert.match(reject(withSteps('- kill: { target: [] }')).message, /steps\[0\]\.kill\.target: expected at least one target, found an empty list/);
  assert.match(reject(withSteps('- kill: $Bad')).message, /expected a variable name like \$killed after `\$`/);
  assert.match(reject(withSteps('- kill: true')).message, /steps\[0\]\.kill: expected a target: .*, found true/);
  assert.match(reject(withSteps('- kill: { signal: SIGTERM }')).message, /`kill` needs `target`/);
  assert.match(reject(withSteps('- heal: 1')).message, /steps\[0\]\.heal: expected `all` or nothing: heal restores every link/);
});
