// Process faults (kill/start/stop/restart/pause/resume) and network faults (partition/isolate/heal).
// Each process step and isolate remembers what it acted on: `$killed`, `$stopped`, … `$isolated`, plus
// an `as:` name of the user's choosing, so later steps can say `start: $killed`.

import { KILL_SIGNALS, PROCESS_VARIABLE, type HealStep, type IsolateStep, type KillSignal, type PartitionStep, type ProcessAction, type ProcessStep, type Target } from './types.js';
import { BUILTIN_VARIABLES, VARIABLE_NAME, type Shape } from './scope.js';
import { bodyFields, stepBase, stepOptions, targetContext, type StepInput } from './step-common.js';
import { mentionsLeader, parseTargets, parseTargetString, TARGET_EXPECTED, type TargetUse } from './targets.js';
import { didYouMean } from './suggest.js';
import type { Entry, Y } from './yaml-reader.js';

/** kill / start / stop / restart / pause / resume: `kill: leader` or `kill: { target: leader, signal: SIGTERM, as: victim }`. */
export function parseProcessStep(input: StepInput): ProcessStep | undefined {
  const action = input.kind as ProcessAction;
  const fields = action === 'kill' ? ['target', 'as', 'signal'] : ['target', 'as'];
  const t = targetedBody(input, fields, 'processes', action === 'kill' ? '{ target: leader, signal: SIGTERM }' : '{ target: leader }');
  if (t === undefined) return undefined;
  let signal: KillSignal | undefined;
  if (action === 'kill') {
    signal = 'SIGKILL';
    const s = t.fields?.get('signal');
    if (s !== undefined) signal = signalOf(input, s);
    if (signal === undefined) return undefined;
  }
  const binds = bindVictims(input, PROCESS_VARIABLE[action], t);
  if (t.targets === undefined || t.bad) return undefined;
  return { kind: action, ...stepBase(input, t.opts.label, binds), ...t.opts, targets: t.targets, signal };
}

/** `isolate: leader` — cut the node(s) off from every other node; binds `$isolated`. */
export function parseIsolate(input: StepInput): IsolateStep | undefined {
  const t = targetedBody(input, ['target', 'as'], 'nodes', '{ target: leader }');
  if (t === undefined) return undefined;
  const binds = bindVictims(input, 'isolated', t);
  if (t.targets === undefined || t.bad) return undefined;
  return { kind: 'isolate', ...stepBase(input, t.opts.label, binds), ...t.opts, targets: t.targets };
}

/** `partition: "1,2 3"` or `partition: [[1, 2], [3]]` or `partition: { groups: …, within: … }`. */
export function parsePartition(input: StepInput): PartitionStep | undefined {
  const { r } = input;
  let groupsNode: Y = input.body;
  let groupsPath = input.path;
  let inner: Map<string, Entry> | undefined;
  if (r.isMap(input.body)) {
    inner = bodyFields(input, ['groups'], '{ groups: [[1, 2], [3]] }');
    const g = inner?.get('groups');
    if (inner !== undefined && g === undefined) r.missing(input.body, input.path, 'groups', '`partition`', '`groups: [[1, 2], [3]]`');
    groupsNode = g?.value ?? null;
    groupsPath = g?.path ?? input.path;
    if (g === undefined) {
      stepOptions(input, inner);
      return undefined;
    }
  }
  const opts = stepOptions(input, inner);
  const ctx = targetContext(input);
  const expected = 'groups of nodes: "1,2 3" or [[1, 2], [3]]';
  const groups: Target[][] = [];
  let bad = false;
  const v = r.scalar(groupsNode);
  if (typeof v === 'string') {
    const parts = v.trim().split(/\s+/).filter((p) => p !== '');
    for (const part of parts) {
      const parsed = parseTargetString(ctx, part, groupsNode, groupsPath, 'nodes');
      if (parsed === undefined) bad = true;
      else groups.push(parsed.targets);
    }
  } else if (r.isSeq(groupsNode)) {
    (r.seq(groupsNode, groupsPath) ?? []).forEach((g, i) => {
      const parsed = parseTargets(ctx, g, `${groupsPath}[${i}]`, 'nodes');
      if (parsed === undefined) bad = true;
      else groups.push(parsed.targets);
    });
  } else {
    r.expected(groupsNode, groupsPath, expected);
    return undefined;
  }
  if (bad) return undefined;
  if (groups.length < 2) {
    r.expected(groupsNode, groupsPath, `at least two groups (${expected})`, groups.length === 1 ? ' with one group (to cut one node off, use `isolate`)' : '');
    return undefined;
  }
  // The same literal node in two groups cannot be on both sides of a cut.
  const seen = new Map<number, number>();
  groups.forEach((group, gi) => {
    for (const t of group) {
      if (t.kind !== 'node') continue;
      const prev = seen.get(t.id);
      if (prev !== undefined && prev !== gi) {
        r.error(groupsNode, groupsPath, `node ${t.id} is in two groups (${prev + 1} and ${gi + 1}); each node belongs to one side`);
        bad = true;
      }
      seen.set(t.id, gi);
    }
  });
  if (bad) return undefined;
  const binds = groups.some(mentionsLeader) ? ['leader'] : [];
  if (binds.length > 0) input.scope.bind('leader', { many: false, proxy: 'no' }, input.stepPath, input.index, input.item);
  return { kind: 'partition', ...stepBase(input, opts.label, binds), ...opts, groups };
}

/** `- heal`, `heal:`, `heal: all` or `heal: { within: 3s }` — restores every link. */
export function parseHeal(input: StepInput): HealStep | undefined {
  const { r } = input;
  let inner: Map<string, Entry> | undefined;
  const v = r.scalar(input.body);
  if (r.isMap(input.body)) {
    inner = bodyFields(input, [], '{ within: 3s }');
  } else if (!(v === null || v === 'all')) {
    r.expected(input.body, input.path, '`all` or nothing: heal restores every link (write `- heal` or `heal: all`)');
  }
  const opts = stepOptions(input, inner);
  return { kind: 'heal', ...stepBase(input, opts.label, []), ...opts };
}

// ---------------------------------------------------------------------------------------------------

interface Targeted {
  readonly targets: readonly Target[] | undefined;
  readonly shape: Shape | undefined;
  readonly fields: Map<string, Entry> | undefined;
  readonly opts: ReturnType<typeof stepOptions>;
  readonly as: string | undefined;
  readonly bad: boolean;
}

/** A body that is a target (scalar or list) or a map with `target` (+ `as`, …, options). */
function targetedBody(input: StepInput, fields: readonly string[], use: TargetUse, example: string): Targeted | undefined {
  const { r } = input;
  let fieldsMap: Map<string, Entry> | undefined;
  let node: Y = input.body;
  let path = input.path;
  let bad = false;
  if (r.isMap(input.body)) {
    fieldsMap = bodyFields(input, fields, example, { victim: 'the target is `target`', node: 'the target is `target`', name_as: 'a variable name is `as`' });
    if (fieldsMap === undefined) return undefined;
    const t = fieldsMap.get('target');
    if (t === undefined) {
      r.missing(input.body, input.path, 'target', `\`${input.kind}\``, '`target: leader`');
      bad = true;
    }
    node = t?.value ?? null;
    path = t?.path ?? path;
  } else if (r.scalar(input.body) === null) {
    r.error(input.body ?? input.item, input.path, `expected ${TARGET_EXPECTED}, found nothing (e.g. \`${input.kind}: leader\`)`);
    bad = true;
  }
  const opts = stepOptions(input, fieldsMap);
  const parsed = bad ? undefined : parseTargets(targetContext(input), node, path, use);
  const a = fieldsMap?.get('as');
  const as = a === undefined ? undefined : varName(input, a);
  return { targets: parsed?.targets, shape: parsed?.shape, fields: fieldsMap, opts, as, bad: bad || parsed === undefined || (a !== undefined && as === undefined) };
}

/** Bind `$<builtin>` (and `$<as>`, and `$leader` when the leader was targeted) to what the step hit. */
function bindVictims(input: StepInput, builtin: string, t: Targeted): string[] {
  // An unknown shape (a target that failed to parse, or an unbound variable already reported) stays
  // unknown, so later uses skip their shape checks instead of piling up follow-on errors.
  const shape: Shape | undefined = t.shape;
  const binds = [builtin];
  if (t.as !== undefined) binds.push(t.as);
  if (t.targets !== undefined && mentionsLeader(t.targets)) binds.push('leader');
  for (const name of binds) {
    const s = name === 'leader' ? { many: false, proxy: 'no' as const } : shape;
    input.scope.bind(name, s, input.stepPath, input.index, input.item);
  }
  return binds;
}

function varName(input: StepInput, e: Entry): string | undefined {
  const { r } = input;
  const raw = r.str(e.value, e.path, 'a variable name like victim (used later as $victim)');
  if (raw === undefined) return undefined;
  const name = raw.startsWith('$') ? raw.slice(1) : raw;
  if (!VARIABLE_NAME.test(name)) return r.expected(e.value, e.path, 'a variable name: lowercase letters, digits and _ (e.g. victim)');
  if (BUILTIN_VARIABLES.includes(name)) {
    r.error(e.value, e.path, `\`$${name}\` is set by steps themselves; pick another name for \`as\``);
    return undefined;
  }
  return name;
}

function signalOf(input: StepInput, e: Entry): KillSignal | undefined {
  const { r } = input;
  const s = r.str(e.value, e.path, `a signal: ${KILL_SIGNALS.join(', ')}`);
  if (s === undefined) return undefined;
  if ((KILL_SIGNALS as readonly string[]).includes(s)) return s as KillSignal;
  const guess = (KILL_SIGNALS as readonly string[]).includes(`SIG${s.toUpperCase()}`) ? ` — did you mean \`SIG${s.toUpperCase()}\`?` : didYouMean(s, KILL_SIGNALS);
  return r.expected(e.value, e.path, `a signal: ${KILL_SIGNALS.join(', ')}`, guess);
}
