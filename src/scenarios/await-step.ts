// `await`: wait for a condition, never for a fixed time (there is no `sleep`). One condition per step:
//   await: { leader: elected }                  a leader is elected (binds $leader)
//   await: { leader: changed }                  a leader other than $leader is elected (rebinds it)
//   await: { leader: none }                     no node claims leadership (it lost its majority)
//   await: { node: $killed, caught_up: true }   the node(s) applied everything the leader committed
//   await: { key: k, value: v, on: 2 }          a read of k on the target(s) returns v (null = absent)
//   await: { load: bg, ops: 100 }               the load has 100 successful operations so far
//   await: { load: bg, done: true }             the load ended by itself (duration or ops ran out)

import { PROXY_TARGET, type AwaitCondition, type AwaitStep } from './types.js';
import { bodyFields, stepBase, stepOptions, targetContext, type StepInput } from './step-common.js';
import { mentionsLeader, parseTargets } from './targets.js';
import { consistencyOf } from './client-steps.js';
import { didYouMean } from './suggest.js';
import { MAX_LOAD_OPS } from './load-steps.js';
import type { Entry } from './yaml-reader.js';

/** The fields of each condition; the first present field decides which condition a step is. */
const GROUPS = {
  leader: ['leader'],
  node: ['node', 'caught_up'],
  key: ['key', 'value', 'on', 'consistency'],
  load: ['load', 'done', 'ops'],
} as const;
type Group = keyof typeof GROUPS;
const ALL_FIELDS: readonly string[] = Object.values(GROUPS).flat();
const CONDITIONS = '`leader: elected|changed|none`, `node: X, caught_up: true`, `key: K, value: V` or `load: NAME, done: true|ops: N`';
const LEADER_STATES = ['elected', 'changed', 'none'];

export function parseAwait(input: StepInput): AwaitStep | undefined {
  const { r } = input;
  const f = bodyFields(input, ALL_FIELDS, '{ leader: elected, within: 3s }', {
    expect: 'the awaited value is `value`',
    from: 'where to look is `on`',
    caughtup: 'the field is `caught_up: true`',
    caught: 'the field is `caught_up: true`',
    term: 'await a new leader with `leader: changed`',
    finished: 'a load that ended is `done: true`',
  });
  const opts = stepOptions(input, f);
  if (f === undefined) return undefined;
  const groupOf = (field: string): Group => (Object.keys(GROUPS) as Group[]).find((g) => (GROUPS[g] as readonly string[]).includes(field)) as Group;
  const fields = [...f.values()].filter((e) => ALL_FIELDS.includes(e.key));
  const first = fields[0];
  if (first === undefined) {
    r.error(input.body, input.path, `\`await\` needs a condition: ${CONDITIONS}`);
    return undefined;
  }
  const group = groupOf(first.key);
  let ok = true;
  for (const e of fields) {
    if (groupOf(e.key) === group) continue;
    r.error(e.keyNode, e.path, `\`${e.key}\` does not go with \`${first.key}\`: one condition per await (${CONDITIONS})`);
    ok = false;
  }
  const binds: string[] = [];
  const condition = CONDITION_PARSERS[group](input, f, binds);
  if (binds.includes('leader')) input.scope.bind('leader', { many: false, proxy: 'no' }, input.stepPath, input.index, input.item);
  if (condition === undefined || !ok) return undefined;
  return { kind: 'await', ...stepBase(input, opts.label, binds), ...opts, condition };
}

type ConditionParser = (input: StepInput, f: ReadonlyMap<string, Entry>, binds: string[]) => AwaitCondition | undefined;

const CONDITION_PARSERS: Readonly<Record<Group, ConditionParser>> = {
  leader(input, f, binds) {
    const { r } = input;
    const e = f.get('leader') as Entry;
    const v = r.str(e.value, e.path, '`elected`, `changed` or `none`');
    if (v === undefined) return undefined;
    if (v === 'elected') {
      binds.push('leader');
      return { kind: 'leader-elected' };
    }
    if (v === 'changed') {
      binds.push('leader');
      if (input.scope.isBound('leader')) return { kind: 'leader-changed' };
      r.error(e.value, e.path, '`leader: changed` compares with `$leader`, which no earlier step sets (use `leader: elected` first, or target `leader` in an earlier step)');
      return undefined;
    }
    if (v === 'none') return { kind: 'leader-none' };
    return r.expected(e.value, e.path, '`elected`, `changed` or `none`', didYouMean(v, LEADER_STATES));
  },

  node(input, f, binds) {
    const { r } = input;
    const n = f.get('node');
    const c = f.get('caught_up');
    if (n === undefined) r.missing(input.body, input.path, 'node', '`await: { caught_up: true }`', '`node: $killed`');
    if (c === undefined) r.missing(input.body, input.path, 'caught_up', '`await: { node: … }`', '`caught_up: true`');
    const caught = c === undefined ? undefined : r.scalar(c.value);
    if (c !== undefined && caught !== true) r.expected(c.value, c.path, 'true (what to wait for about a node is `caught_up: true`)');
    const parsed = n === undefined ? undefined : parseTargets(targetContext(input), n.value, n.path, 'nodes');
    if (parsed === undefined || caught !== true) return undefined;
    if (mentionsLeader(parsed.targets)) binds.push('leader');
    return { kind: 'caught-up', nodes: parsed.targets };
  },

  key(input, f, binds) {
    const { r } = input;
    const k = f.get('key');
    if (k === undefined) r.missing(input.body, input.path, 'key', '`await: { value: … }`', '`key: data1`');
    const key = k === undefined ? undefined : r.str(k.value, k.path, 'a key (a string)');
    const v = f.get('value');
    if (v === undefined) r.missing(input.body, input.path, 'value', '`await: { key: … }`', '`value: hola` (or `value: null` for absent)');
    const value = v === undefined ? undefined : r.strOrNull(v.value, v.path, 'the value to wait for (a string), or null for "absent"');
    const o = f.get('on');
    const on = o === undefined ? { targets: [PROXY_TARGET] } : parseTargets(targetContext(input), o.value, o.path, 'endpoints');
    // On a node the question is "has its own state machine got it?": stale unless told otherwise.
    const consistency = consistencyOf(r, f.get('consistency'), o === undefined ? 'linearizable' : 'stale');
    if (key === undefined || value === undefined || on === undefined || consistency === undefined) return undefined;
    if (mentionsLeader(on.targets)) binds.push('leader');
    return { kind: 'key-value', key, value, on: on.targets, consistency };
  },

  load(input, f) {
    const { r, scope } = input;
    const l = f.get('load');
    const d = f.get('done');
    const o = f.get('ops');
    if (l === undefined) return r.missing(input.body, input.path, 'load', '`await: { done: … }`', '`load: bg`');
    const name = r.str(l.value, l.path, 'a load name');
    if (name === undefined) return undefined;
    const info = scope.load(name);
    if (info === undefined) {
      const known = scope.loadNames();
      r.error(l.value, l.path, `no load named \`${name}\` was started before this step${didYouMean(name, known)}${known.length > 0 ? ` (loads so far: ${known.join(', ')})` : ''}`);
      return undefined;
    }
    if ((d === undefined) === (o === undefined)) {
      r.error(input.body, input.path, 'an await on a load needs exactly one of `done: true` or `ops: N`');
      return undefined;
    }
    if (d !== undefined) {
      if (r.scalar(d.value) !== true) return r.expected(d.value, d.path, 'true');
      if (!info.bounded) {
        r.error(d.keyNode, d.path, `load \`${name}\` has no \`duration\` or \`ops\`, so it never ends by itself: use \`stop_load: ${name}\``);
        return undefined;
      }
      scope.stopLoad(name);
      return { kind: 'load-done', load: name };
    }
    const ops = r.int((o as Entry).value, (o as Entry).path, 1, MAX_LOAD_OPS);
    if (ops === undefined) return undefined;
    if (info.maxOps !== undefined && ops > info.maxOps) {
      r.error((o as Entry).value, (o as Entry).path, `load \`${name}\` stops after ${info.maxOps} operations, so it never reaches ${ops}`);
      return undefined;
    }
    return { kind: 'load-progress', load: name, ops };
  },
};
