// `await`: wait for a condition, never for a fixed time (there is no `sleep`). One condition per step:
//   await: { leader: elected }                  a leader is elected (binds $leader)
//   await: { leader: changed }                  a leader other than $leader is elected (rebinds it)
//   await: { node: $killed, caught_up: true }   the node(s) applied everything the leader committed
//   await: { key: k, value: v, on: 2 }          a read of k on the target(s) returns v (null = absent)

import { PROXY_TARGET, type AwaitCondition, type AwaitStep } from './types.js';
import { bodyFields, stepBase, stepOptions, targetContext, type StepInput } from './step-common.js';
import { mentionsLeader, parseTargets } from './targets.js';
import { consistencyOf } from './client-steps.js';
import { didYouMean } from './suggest.js';
import type { Entry } from './yaml-reader.js';

const CONDITION_FIELDS = ['leader', 'node', 'caught_up', 'key', 'value', 'on', 'consistency'] as const;
const CONDITIONS = '`leader: elected`, `leader: changed`, `node: X, caught_up: true` or `key: K, value: V`';

export function parseAwait(input: StepInput): AwaitStep | undefined {
  const { r } = input;
  const f = bodyFields(input, CONDITION_FIELDS, '{ leader: elected, within: 3s }', {
    expect: 'the awaited value is `value`',
    from: 'where to look is `on`',
    caughtup: 'the field is `caught_up: true`',
    caught: 'the field is `caught_up: true`',
    term: 'await a new leader with `leader: changed`',
  });
  const opts = stepOptions(input, f);
  if (f === undefined) return undefined;
  const present = (names: readonly string[]): Entry[] => names.map((n) => f.get(n)).filter((e): e is Entry => e !== undefined);
  // Which condition: decided by its leading field; fields of other conditions are errors.
  const lead = f.get('leader') ?? f.get('node') ?? f.get('caught_up') ?? f.get('key');
  if (lead === undefined) {
    r.error(input.body, input.path, `\`await\` needs a condition: ${CONDITIONS}`);
    return undefined;
  }
  const only = (allowed: readonly string[]): boolean => {
    const extra = present(CONDITION_FIELDS.filter((n) => !allowed.includes(n)));
    for (const e of extra) r.error(e.keyNode, e.path, `\`${e.key}\` does not go with \`${lead.key}\`: one condition per await (${CONDITIONS})`);
    return extra.length === 0;
  };
  let condition: AwaitCondition | undefined;
  const binds: string[] = [];
  if (lead.key === 'leader') {
    const ok = only(['leader']);
    const v = r.str(lead.value, lead.path, '`elected` or `changed`');
    if (v === 'elected') condition = { kind: 'leader-elected' };
    else if (v === 'changed') {
      if (!input.scope.isBound('leader')) {
        r.error(lead.value, lead.path, '`leader: changed` compares with `$leader`, which no earlier step sets (use `leader: elected` first, or target `leader` in an earlier step)');
      } else condition = { kind: 'leader-changed' };
    } else if (v !== undefined) r.expected(lead.value, lead.path, '`elected` or `changed`', didYouMean(v, ['elected', 'changed']));
    if (condition !== undefined) {
      binds.push('leader');
      input.scope.bind('leader', { many: false, proxy: 'no' }, input.stepPath, input.index, input.item);
    }
    if (!ok) condition = undefined;
  } else if (lead.key === 'node' || lead.key === 'caught_up') {
    const ok = only(['node', 'caught_up']);
    const n = f.get('node');
    const c = f.get('caught_up');
    if (n === undefined) r.missing(input.body, input.path, 'node', '`await: { caught_up: true }`', '`node: $killed`');
    if (c === undefined) r.missing(input.body, input.path, 'caught_up', '`await: { node: … }`', '`caught_up: true`');
    const caught = c === undefined ? undefined : r.scalar(c.value);
    if (c !== undefined && caught !== true) r.expected(c.value, c.path, 'true (the only thing to wait for about a node is `caught_up: true`)');
    const parsed = n === undefined ? undefined : parseTargets(targetContext(input), n.value, n.path, 'nodes');
    if (ok && parsed !== undefined && caught === true) {
      condition = { kind: 'caught-up', nodes: parsed.targets };
      if (mentionsLeader(parsed.targets)) binds.push('leader');
    }
  } else {
    const ok = only(['key', 'value', 'on', 'consistency']);
    const key = r.str(lead.value, lead.path, 'a key (a string)');
    const v = f.get('value');
    if (v === undefined) r.missing(input.body, input.path, 'value', '`await: { key: … }`', '`value: hola` (or `value: null` for absent)');
    const value = v === undefined ? undefined : r.strOrNull(v.value, v.path, 'the value to wait for (a string), or null for "absent"');
    const o = f.get('on');
    const on = o === undefined ? { targets: [PROXY_TARGET] } : parseTargets(targetContext(input), o.value, o.path, 'endpoints');
    // On a node the question is "has its own state machine got it?": stale unless told otherwise.
    const consistency = consistencyOf(r, f.get('consistency'), o === undefined ? 'linearizable' : 'stale');
    if (ok && key !== undefined && value !== undefined && on !== undefined && consistency !== undefined) {
      condition = { kind: 'key-value', key, value, on: on.targets, consistency };
      if (mentionsLeader(on.targets)) binds.push('leader');
    }
  }
  if (binds.includes('leader')) input.scope.bind('leader', { many: false, proxy: 'no' }, input.stepPath, input.index, input.item);
  if (condition === undefined) return undefined;
  return { kind: 'await', ...stepBase(input, opts.label, binds), ...opts, condition };
}
