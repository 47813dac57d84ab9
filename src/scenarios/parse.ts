// parseScenario: YAML text → a normalised Scenario, or a ScenarioError listing every problem in the
// file with file:line:col, the path (`steps[3].await.within`), what was expected and what was found,
// and "did you mean" for unknown names. Nothing is coerced and no unknown field is ignored.

import { LineCounter, parseDocument } from 'yaml';
import { DEFAULT_CLUSTER, STEP_KINDS, type ClusterShape, type Scenario, type Step, type StepKind } from './types.js';
import { ScenarioError, type ScenarioIssue } from './errors.js';
import { Reader, type Entry, type Y } from './yaml-reader.js';
import { Scope } from './scope.js';
import { didYouMean } from './suggest.js';
import { STEP_OPTIONS, type StepInput } from './step-common.js';
import { parseCas, parseDelete, parseGet, parsePut } from './client-steps.js';
import { parseHeal, parseIsolate, parsePartition, parseProcessStep } from './fault-steps.js';
import { parseAwait } from './await-step.js';
import { parseCheck, parseLoad, parseStopLoad } from './load-steps.js';

export const MAX_CLUSTER_NODES = 9;
const SCENARIO_NAME = /^[a-z0-9][a-z0-9-]*$/;
const TOP_FIELDS = ['name', 'description', 'cluster', 'seed', 'steps'] as const;

const PARSERS: Readonly<Record<StepKind, (input: StepInput) => Step | undefined>> = {
  put: parsePut, get: parseGet, delete: parseDelete, cas: parseCas,
  kill: parseProcessStep, start: parseProcessStep, stop: parseProcessStep,
  restart: parseProcessStep, pause: parseProcessStep, resume: parseProcessStep,
  partition: parsePartition, isolate: parseIsolate, heal: parseHeal,
  await: parseAwait, load: parseLoad, stop_load: parseStopLoad, check: parseCheck,
};

/** Steps that may be written bare (`- heal`): they need no argument. */
const BARE_STEPS: readonly StepKind[] = ['heal', 'stop_load', 'check'];

/** Words people reach for that are not steps, with what to write instead. */
const STEP_HINTS: Readonly<Record<string, string>> = {
  sleep: 'scenarios do not sleep: wait for a condition with `await` (e.g. `await: { leader: elected, within: 3s }`)',
  wait: 'wait for a condition with `await` (e.g. `await: { leader: elected, within: 3s }`)',
  write: 'did you mean `put`?',
  read: 'did you mean `get`?',
  set: 'did you mean `put`?',
  del: 'did you mean `delete`?',
  remove: 'did you mean `delete`?',
  crash: 'a crash is `kill` (SIGKILL)',
  unpause: 'did you mean `resume`?',
  continue: 'did you mean `resume`?',
  suspend: 'did you mean `pause`?',
  assert: 'expectations live in the step: `get: { key: k, expect: v }`, or `check: linearizable`',
  expect: 'expectations live in the step: `get: { key: k, expect: v }`',
};

/**
 * Parse one scenario file's text. `file` is only used in messages (and kept on the result).
 * Throws ScenarioError (a UsageError) listing every problem found.
 */
export function parseScenario(text: string, file: string): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true, uniqueKeys: true, prettyErrors: false, strict: true });
  const r = new Reader(file, text, lineCounter, doc);
  if (doc.errors.length > 0) {
    // Syntax errors: the tree is unreliable, so report these alone.
    for (const e of doc.errors) r.error(e.pos[0], '', `invalid YAML: ${yamlMessage(e.code, e.message)}`);
    throw new ScenarioError(file, r.issues());
  }
  const root = doc.contents as Y;
  if (root === null || r.scalar(root) === null) {
    r.error(0, '', 'expected a scenario (a map with name, description and steps), found an empty file');
    throw new ScenarioError(file, r.issues());
  }
  const entries = r.entries(root, '', 'a scenario: a map with name, description and steps');
  if (entries === undefined) throw new ScenarioError(file, r.issues());
  const f = r.fields(entries, '', TOP_FIELDS, 'a scenario', {
    desc: 'the field is `description`',
    nodes: 'the cluster size goes in `cluster: { nodes: 3 }`',
    scenario: 'the scenario\'s name is `name`',
    title: 'the scenario\'s name is `name`',
  });

  const name = requiredText(r, root, f.get('name'), 'name', 'a scenario name (lowercase letters, digits and -)', (s) => SCENARIO_NAME.test(s));
  const description = requiredText(r, root, f.get('description'), 'description', 'a one-line description', (s) => s.trim() !== '' && !s.trim().includes('\n'));
  const cluster = parseCluster(r, f.get('cluster'));
  const seedEntry = f.get('seed');
  const seed = seedEntry === undefined ? undefined : r.int(seedEntry.value, 'seed', 0, Number.MAX_SAFE_INTEGER, 'a whole number ≥ 0');

  const steps: Step[] = [];
  const s = f.get('steps');
  if (s === undefined) r.missing(root, '', 'steps', 'a scenario', '`steps: [ { put: { key: k, value: v } } ]`');
  else {
    const items = r.seq(s.value, 'steps', 'a list of steps');
    if (items !== undefined && items.length === 0) r.expected(s.value, 'steps', 'at least one step');
    const scope = new Scope(r);
    (items ?? []).forEach((item, index) => {
      const step = parseStep(r, scope, cluster.nodes, item, index);
      if (step !== undefined) steps.push(step);
    });
    scope.finish();
  }

  const issues: ScenarioIssue[] = r.issues();
  if (issues.length > 0) throw new ScenarioError(file, issues);
  return {
    name: name as string,
    description: (description as string).trim(),
    file,
    cluster,
    clusterExplicit: f.has('cluster'),
    seed,
    steps,
  };
}

function requiredText(r: Reader, root: Y, e: Entry | undefined, field: string, what: string, ok: (s: string) => boolean): string | undefined {
  if (e === undefined) return r.missing(root, '', field, 'a scenario', `\`${field}: ${field === 'name' ? 'leader-crash' : 'The leader dies; writes keep succeeding.'}\``);
  const s = r.str(e.value, field, what);
  if (s !== undefined && !ok(s)) return r.expected(e.value, field, what);
  return s;
}

function parseCluster(r: Reader, e: Entry | undefined): ClusterShape {
  if (e === undefined) return DEFAULT_CLUSTER;
  const entries = r.entries(e.value, 'cluster', 'a map like `{ nodes: 3 }`');
  if (entries === undefined) return DEFAULT_CLUSTER;
  const f = r.fields(entries, 'cluster', ['nodes'], 'the cluster section', { size: 'the number of nodes is `nodes`' });
  const n = f.get('nodes');
  if (n === undefined) return DEFAULT_CLUSTER;
  const nodes = r.int(n.value, n.path, 1, MAX_CLUSTER_NODES, `a number of nodes from 1 to ${MAX_CLUSTER_NODES}`);
  return nodes === undefined ? DEFAULT_CLUSTER : { nodes };
}

/** One list item: exactly one step key, plus options beside it. */
function parseStep(r: Reader, scope: Scope, nodes: number, item: Y, index: number): Step | undefined {
  const stepPath = `steps[${index}]`;
  const input = (kind: StepKind, body: Y, outer: ReadonlyMap<string, Entry>): StepInput => ({
    r, scope, nodes, index, stepPath, path: `${stepPath}.${kind}`, kind, body, item, outer,
  });
  const bare = r.scalar(item);
  if (typeof bare === 'string') {
    const kind = bare as StepKind;
    if (BARE_STEPS.includes(kind)) return PARSERS[kind](input(kind, null, new Map()));
    if (STEP_KINDS.includes(kind)) {
      r.error(item, stepPath, `\`${bare}\` needs a value (e.g. \`${bare}: ${EXAMPLES[kind]}\`)`);
      return undefined;
    }
    unknownStep(r, item, stepPath, bare);
    return undefined;
  }
  const entries = r.entries(item, stepPath, 'a step: a map like `put: { key: k, value: v }` or `kill: leader`');
  if (entries === undefined) return undefined;
  const stepEntries = entries.filter((e) => (STEP_KINDS as readonly string[]).includes(e.key));
  const options = new Map<string, Entry>();
  const unknown: Entry[] = [];
  for (const e of entries) {
    if ((STEP_OPTIONS as readonly string[]).includes(e.key)) options.set(e.key, { ...e, path: `${stepPath}.${e.key}` });
    else if (!(STEP_KINDS as readonly string[]).includes(e.key)) unknown.push(e);
  }
  if (stepEntries.length > 1) {
    const second = stepEntries[1] as Entry;
    r.error(second.keyNode, stepPath, `one step per list item, found ${stepEntries.map((e) => `\`${e.key}\``).join(' and ')} (start each step with \`- \`)`);
    return undefined;
  }
  const step = stepEntries[0];
  if (step === undefined) {
    const [first, ...rest] = unknown;
    if (first === undefined) r.error(item, stepPath, `a step needs an action, one of: ${STEP_KINDS.join(', ')}`);
    else unknownStep(r, first.keyNode, stepPath, first.key);
    for (const e of rest) unknownOption(r, e, stepPath, undefined);
    return undefined;
  }
  for (const e of unknown) unknownOption(r, e, stepPath, step.key as StepKind);
  const parsed = PARSERS[step.key as StepKind](input(step.key as StepKind, step.value, options));
  return unknown.length > 0 ? undefined : parsed;
}

function unknownStep(r: Reader, at: Y, path: string, word: string): void {
  const hint = STEP_HINTS[word.toLowerCase()];
  const suggestion = hint !== undefined ? ` — ${hint}` : didYouMean(word, STEP_KINDS);
  const list = suggestion === '' ? ` (steps: ${STEP_KINDS.join(', ')})` : '';
  r.error(at, path, `unknown step \`${word}\`${suggestion}${list}`);
}

function unknownOption(r: Reader, e: Entry, stepPath: string, kind: StepKind | undefined): void {
  const path = `${stepPath}.${e.key}`;
  const inside = kind !== undefined && FIELDS_OF[kind].includes(e.key);
  const suggestion = inside
    ? ` — \`${e.key}\` belongs inside \`${kind}\` (e.g. \`${kind}: ${EXAMPLES[kind]}\`); check the indentation`
    : didYouMean(e.key, [...STEP_OPTIONS, ...STEP_KINDS]);
  const list = suggestion === '' ? ` (options: ${STEP_OPTIONS.join(', ')})` : '';
  r.error(e.keyNode, path, `unknown option \`${e.key}\`${kind !== undefined ? ` beside \`${kind}\`` : ''}${suggestion}${list}`);
}

/** The fields each step takes inside its map (for "belongs inside" hints). */
const FIELDS_OF: Readonly<Record<StepKind, readonly string[]>> = {
  put: ['key', 'value', 'from', 'expect_error', 'allow_error'],
  get: ['key', 'expect', 'from', 'consistency', 'expect_error', 'allow_error'],
  delete: ['key', 'from', 'deleted', 'expect_error', 'allow_error'],
  cas: ['key', 'from', 'to', 'on', 'expect_error', 'allow_error'],
  kill: ['target', 'as', 'signal'], start: ['target', 'as'], stop: ['target', 'as'], restart: ['target', 'as'],
  pause: ['target', 'as'], resume: ['target', 'as'], partition: ['groups'], isolate: ['target', 'as'], heal: [],
  await: ['leader', 'node', 'caught_up', 'key', 'value', 'on', 'consistency', 'load', 'done', 'ops'],
  load: ['clients', 'duration', 'ops', 'keys', 'mix'], stop_load: ['load'], check: [],
};

const EXAMPLES: Readonly<Record<StepKind, string>> = {
  put: '{ key: k, value: v }', get: '{ key: k, expect: v }', delete: '{ key: k }', cas: '{ key: k, from: old, to: new }',
  kill: 'leader', start: '$killed', stop: 'follower', restart: 'leader', pause: 'leader', resume: '$paused',
  partition: '[[1, 2], [3]]', isolate: 'leader', heal: 'all', await: '{ leader: elected, within: 3s }',
  load: '{ clients: 4, duration: 10s }', stop_load: 'all', check: '[linearizable, no_lost_writes]',
};

/** yaml's messages, made to read as ours (its DUPLICATE_KEY message does not say which key is the copy). */
function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'a key appears twice in the same map';
  if (code === 'TAB_AS_INDENT') return 'tabs cannot indent YAML; use spaces';
  if (code === 'MULTIPLE_DOCS') return 'a scenario file holds one YAML document, found a second one after `---`';
  return message.replace(/\s+at line \d+, column \d+.*$/s, '');
}
