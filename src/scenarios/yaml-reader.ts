// A typed, strict walk over a `yaml` Document: each accessor checks one node's type, records a precise
// issue when it is wrong (file:line:col, path, expected vs found) and returns undefined so the caller
// can carry on and collect every problem in the file. Nothing is coerced: `value: 42` is a number, and
// a string was expected, so it is an error with a hint to quote it.

import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node as YamlNode } from 'yaml';
import type { ScenarioIssue } from './errors.js';
import { closest, didYouMean } from './suggest.js';

/** A node as the reader sees it: null for an absent value. */
export type Y = YamlNode | null;

/** One `key: value` of a map, keys already checked to be strings. */
export interface Entry {
  readonly key: string;
  readonly keyNode: YamlNode;
  readonly value: Y;
  /** Path of the value: `steps[3].put.key`. */
  readonly path: string;
}

/** Extra words for an unknown field that edit distance cannot find (`get.value` → `expect`). */
export type FieldHints = Readonly<Record<string, string>>;

interface IssueAt extends ScenarioIssue {
  readonly offset: number;
}

export class Reader {
  private readonly found: IssueAt[] = [];
  /** `<owner path>\0<field>` for every field an unknown name was said to be a typo of. */
  private readonly suggested = new Set<string>();
  private readonly lines: string[];

  constructor(
    readonly file: string,
    readonly text: string,
    private readonly lc: LineCounter,
    private readonly doc: Document.Parsed,
  ) {
    this.lines = text.split(/\r?\n/);
  }

  /** Every issue recorded so far, in file order (stable for equal offsets). */
  issues(): ScenarioIssue[] {
    return [...this.found]
      .map((issue, i) => ({ issue, i }))
      .sort((a, b) => a.issue.offset - b.issue.offset || a.i - b.i)
      .map(({ issue: { offset: _offset, ...rest } }) => rest);
  }

  get issueCount(): number {
    return this.found.length;
  }

  /** Record a problem at `at` (a node, or a raw offset). */
  error(at: Y | number, path: string, message: string): void {
    const offset = typeof at === 'number' ? at : this.offsetOf(at);
    const { line, col } = this.position(offset);
    this.found.push({ file: this.file, line, col, path, message, sourceLine: this.lines[line - 1] ?? '', offset });
  }

  position(offset: number): { line: number; col: number } {
    const pos = this.lc.linePos(Math.min(Math.max(0, offset), this.text.length));
    // linePos reports line 0 when the text has no newline at all.
    return pos.line === 0 ? { line: 1, col: offset + 1 } : pos;
  }

  offsetOf(node: Y): number {
    return node?.range?.[0] ?? 0;
  }

  /** Aliases (`*name`) stand for their anchor's node; anything else is itself. */
  deref(node: Y): Y {
    if (node !== null && isAlias(node)) {
      const target = node.resolve(this.doc);
      return (target as YamlNode | undefined) ?? null;
    }
    return node;
  }

  /** "the number 42", "the string \"x\"", "a list", "a map", "nothing", "true". */
  describe(node: Y): string {
    const n = this.deref(node);
    if (n === null) return 'nothing';
    if (isMap(n)) return n.items.length === 0 ? 'an empty map' : 'a map';
    if (isSeq(n)) return n.items.length === 0 ? 'an empty list' : 'a list';
    if (isScalar(n)) {
      const v = n.value;
      if (v === null) return 'nothing (null)';
      if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
      if (typeof v === 'number' || typeof v === 'bigint') return `the number ${n.source ?? String(v)}`;
      if (typeof v === 'boolean') return String(v);
      return `a ${typeof v}`;
    }
    return 'something else';
  }

  /** Report "expected X, found Y" at the node. */
  expected(node: Y, path: string, what: string, extra = ''): undefined {
    this.error(node, path, `expected ${what}, found ${this.describe(node)}${extra}`);
    return undefined;
  }

  /** The scalar's raw value (string, number, boolean or null) or undefined if it is a map or list. */
  scalar(node: Y): string | number | boolean | null | undefined {
    const n = this.deref(node);
    if (n === null) return null;
    if (!isScalar(n)) return undefined;
    const v = n.value;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
    if (typeof v === 'bigint') return Number(v);
    return undefined;
  }

  /** A string, strictly. Numbers and booleans get a hint to quote them. */
  str(node: Y, path: string, what = 'a string'): string | undefined {
    const n = this.deref(node);
    const v = this.scalar(n);
    if (typeof v === 'string') return v;
    const source = n !== null && isScalar(n) ? n.source : undefined;
    const hint = (typeof v === 'number' || typeof v === 'boolean') && source !== undefined ? ` (quote it to make it text: "${source}")` : '';
    return this.expected(node, path, what, hint);
  }

  /** A string or null (YAML `null`, `~` or nothing): null is meaningful (absent key). */
  strOrNull(node: Y, path: string, what: string): string | null | undefined {
    const v = this.scalar(node);
    if (v === null) return null;
    return this.str(node, path, what);
  }

  /** An integer within [min, max]. */
  int(node: Y, path: string, min: number, max: number, what = `a whole number from ${min} to ${max}`): number | undefined {
    const v = this.scalar(node);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return this.expected(node, path, what);
    return v;
  }

  /** A non-negative number (weights). */
  weight(node: Y, path: string): number | undefined {
    const v = this.scalar(node);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return this.expected(node, path, 'a number ≥ 0 (a relative weight)');
    return v;
  }

  bool(node: Y, path: string): boolean | undefined {
    const v = this.scalar(node);
    if (typeof v !== 'boolean') return this.expected(node, path, 'true or false');
    return v;
  }

  /** The items of a list. */
  seq(node: Y, path: string, what = 'a list'): Y[] | undefined {
    const n = this.deref(node);
    if (n === null || !isSeq(n)) return this.expected(node, path, what);
    return n.items as Y[];
  }

  isMap(node: Y): boolean {
    const n = this.deref(node);
    return n !== null && isMap(n);
  }

  isSeq(node: Y): boolean {
    const n = this.deref(node);
    return n !== null && isSeq(n);
  }

  /** The entries of a map, keys checked to be plain strings (duplicates are a YAML error already). */
  entries(node: Y, path: string, what = 'a map'): Entry[] | undefined {
    const n = this.deref(node);
    if (n === null || !isMap(n)) return this.expected(node, path, what);
    const out: Entry[] = [];
    for (const pair of n.items) {
      const keyNode = this.deref(pair.key as Y);
      const key = this.scalar(keyNode);
      if (typeof key !== 'string' || keyNode === null) {
        this.expected(keyNode ?? node, path, 'a field name');
        continue;
      }
      const value = (pair.value as Y | undefined) ?? null;
      out.push({ key, keyNode, value: value === null ? null : value, path: path === '' ? key : `${path}.${key}` });
    }
    return out;
  }

  /**
   * Split a map's entries into the allowed fields (returned by name) and report the rest as unknown
   * fields with a suggestion. `what` names the owner in messages ("put", "the cluster section").
   */
  fields(entries: readonly Entry[], path: string, allowed: readonly string[], what: string, hints: FieldHints = {}): Map<string, Entry> {
    const known = new Map<string, Entry>();
    for (const entry of entries) {
      if (allowed.includes(entry.key)) {
        known.set(entry.key, entry);
        continue;
      }
      const hint = hints[entry.key];
      const guess = closest(entry.key, allowed);
      if (hint === undefined && guess !== undefined) this.suggested.add(`${path}\0${guess}`);
      const suggestion = hint !== undefined ? ` — ${hint}` : didYouMean(entry.key, allowed);
      const list = suggestion === '' ? ` (allowed: ${allowed.join(', ')})` : '';
      this.error(entry.keyNode, entry.path, `unknown field \`${entry.key}\` in ${what}${suggestion}${list}`);
    }
    return known;
  }

  /** Report a missing required field at the owning map and return undefined. */
  missing(owner: Y, path: string, field: string, what: string, example: string): undefined {
    // `valeu: b` was already reported as a typo of `value`; "needs `value`" would say it twice.
    if (this.suggested.has(`${path}\0${field}`)) return undefined;
    this.error(owner, path, `${what} needs \`${field}\` (e.g. ${example})`);
    return undefined;
  }
}
