// ScenarioError: everything wrong with one scenario file, each problem pinned to file:line:col and the
// path of the offending node (`steps[3].await.within`). It is a UsageError, so the CLI exits 2 and
// prints the message without a stack; nothing has started when it is thrown.

import { UsageError } from '../shared/index.js';

/** One problem in a scenario file. */
export interface ScenarioIssue {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  /** `steps[3].await.within`; empty for YAML syntax errors and whole-file problems. */
  readonly path: string;
  /** What was expected and what was found, plus a suggestion when there is one. */
  readonly message: string;
  /** The source line the problem is on (no newline), for a code frame. */
  readonly sourceLine: string;
}

/** `file:3:7: steps[1].kill: unknown target …` — one line per issue. */
export function formatIssue(issue: ScenarioIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.col}`;
  return issue.path === '' ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`;
}

/** A scenario file (or name) that cannot be used. `issues` lists every problem found, in file order. */
export class ScenarioError extends UsageError {
  readonly issues: readonly ScenarioIssue[];
  readonly file: string;

  constructor(file: string, issues: readonly ScenarioIssue[], summary?: string) {
    const head = summary ?? (issues.length === 1 ? '' : `${issues.length} problems in ${file}:\n`);
    super(head + issues.map(formatIssue).join('\n'));
    this.file = file;
    this.issues = issues;
  }
}

/**
 * The issues with a code frame under each (source line + caret), for a terminal:
 *   leader-crash.yaml:7:5: steps[3]: unknown step `kil` — did you mean `kill`?
 *       7 |   - kil: leader
 *         |     ^
 */
export function formatScenarioError(err: ScenarioError): string {
  if (err.issues.length === 0) return err.message;
  const out: string[] = err.issues.length > 1 ? [`${err.issues.length} problems in ${err.file}:`] : [];
  for (const issue of err.issues) {
    out.push(formatIssue(issue));
    if (issue.sourceLine !== '') {
      const gutter = String(issue.line).padStart(6);
      out.push(`${gutter} | ${issue.sourceLine}`);
      out.push(`${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, issue.col - 1))}^`);
    }
  }
  return out.join('\n');
}
