// What every step parser shares: its input (the step's node, path and the options written beside it),
// the per-step options `within` / `retry` / `name` (accepted inside the step's map or beside the step,
// not both), and the StepBase every normalised step carries.

import { DEFAULT_WITHIN, type StepBase, type StepKind, type Timed } from './types.js';
import { DURATION_EXPECTED, parseDuration } from './duration.js';
import type { Scope } from './scope.js';
import type { TargetContext } from './targets.js';
import type { Entry, FieldHints, Reader, Y } from './yaml-reader.js';

/** Options any step may carry; `load` refuses within/retry (it runs in the background). */
export const STEP_OPTIONS = ['within', 'retry', 'name'] as const;

export const MAX_RETRY = 100;

/** Everything a step parser needs. */
export interface StepInput {
  readonly r: Reader;
  readonly scope: Scope;
  /** Cluster size, for node-id checks. */
  readonly nodes: number;
  readonly index: number;
  /** `steps[3]` */
  readonly stepPath: string;
  /** `steps[3].put` */
  readonly path: string;
  readonly kind: StepKind;
  /** The value of the step key (null for a bare `- heal`). */
  readonly body: Y;
  /** The list item itself, for positions. */
  readonly item: Y;
  /** Options written beside the step key (`- kill: leader` / `  within: 3s`). */
  readonly outer: ReadonlyMap<string, Entry>;
}

export function targetContext(input: StepInput): TargetContext {
  return { r: input.r, scope: input.scope, nodes: input.nodes, stepIndex: input.index };
}

/**
 * The step's map body, split into its own fields (by name) and options. Unknown fields are reported
 * with suggestions. Returns undefined (after reporting) when the body is not a map.
 */
export function bodyFields(input: StepInput, fields: readonly string[], example: string, hints: FieldHints = {}, options: readonly string[] = STEP_OPTIONS): Map<string, Entry> | undefined {
  const { r, body, path, kind } = input;
  const entries = r.entries(body, path, `a map like \`${kind}: ${example}\``);
  if (entries === undefined) return undefined;
  return r.fields(entries, path, [...fields, ...options], `\`${kind}\``, { ...COMMON_HINTS, ...hints });
}

const COMMON_HINTS: FieldHints = {
  timeout: 'the deadline is `within` (e.g. `within: 3s`)',
  deadline: 'the deadline is `within` (e.g. `within: 3s`)',
  label: 'a step\'s label is `name`',
  title: 'a step\'s label is `name`',
};

/** within / retry / name from inside the body (`inner`) or beside the step, normalised with defaults. */
export function stepOptions(input: StepInput, inner: ReadonlyMap<string, Entry> | undefined): Timed & { label: string | undefined } {
  const { r } = input;
  const pick = (name: string): Entry | undefined => {
    const a = inner?.get(name);
    const b = input.outer.get(name);
    if (a !== undefined && b !== undefined) {
      r.error(a.keyNode, a.path, `\`${name}\` is given twice, here and at ${b.path}; keep one`);
    }
    return a ?? b;
  };
  const kind = input.kind as Exclude<StepKind, 'load'>;
  const w = pick('within');
  let within = DEFAULT_WITHIN[kind];
  if (w !== undefined) within = duration(r, w.value, w.path) ?? within;
  const t = pick('retry');
  const retry = t === undefined ? 0 : (r.int(t.value, t.path, 0, MAX_RETRY, `a number of retries from 0 to ${MAX_RETRY}`) ?? 0);
  const n = pick('name');
  const label = n === undefined ? undefined : nonEmpty(r, n.value, n.path, 'a label (a non-empty string)');
  return { within, withinExplicit: w !== undefined, retry, label };
}

/** A positive duration from a YAML scalar. */
export function duration(r: Reader, node: Y, path: string): number | undefined {
  const v = r.scalar(node);
  if (typeof v !== 'string' && typeof v !== 'number') return r.expected(node, path, DURATION_EXPECTED);
  const res = parseDuration(v);
  if (res.ok) return res.ms;
  r.error(node, path, `expected ${DURATION_EXPECTED}, found ${res.problem}`);
  return undefined;
}

export function nonEmpty(r: Reader, node: Y, path: string, what: string): string | undefined {
  const s = r.str(node, path, what);
  if (s !== undefined && s.trim() === '') return r.expected(node, path, what);
  return s;
}

/** The StepBase of a parsed step. */
export function stepBase(input: StepInput, label: string | undefined, binds: readonly string[]): StepBase {
  const { line, col } = input.r.position(input.r.offsetOf(input.item));
  return {
    index: input.index,
    path: input.stepPath,
    source: { file: input.r.file, line, col },
    label,
    binds: [...new Set(binds)],
  };
}

