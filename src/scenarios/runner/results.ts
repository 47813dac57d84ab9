// What a run produced, step by step: the checklist renders it live, the CLI prints the failure block
// from it, and the report files (JSON, JUnit) serialise it.

import type { ClusterStatus } from '../../supervisor/index.js';
import type { StepKind } from '../types.js';

export type StepStatus = 'passed' | 'failed' | 'skipped' | 'interrupted';

/** Why a step failed: where, what it wanted, what it saw, and the cluster at that moment. */
export interface StepFailureInfo {
  /** `leader-crash › step 4 › await leader elected within 3s` */
  readonly path: string;
  readonly expected: string;
  readonly seen: string;
  /** Attempts made (1 + retries used). */
  readonly attempts: number;
  /** The cluster when the step gave up (null when it could not be read). */
  readonly status: ClusterStatus | null;
  /** The status table as `raft-sup status` prints it, or why it is missing. */
  readonly statusTable: string;
}

export interface StepResult {
  /** 1-based, as people count. */
  readonly number: number;
  readonly kind: StepKind;
  readonly title: string;
  /** file:line of the step. */
  readonly line: number;
  readonly status: StepStatus;
  readonly durationMs: number;
  readonly attempts: number;
  /** What the step did ("killed node-2 (leader, term 3)"), when it passed. */
  readonly detail?: string;
  /** Why it was skipped. */
  readonly reason?: string;
  readonly failure?: StepFailureInfo;
}

/**
 * passed: every step passed. failed: a step failed (exit 1). error: the scenario could not run (the
 * cluster did not start, no cluster to attach to: exit 2). interrupted: Ctrl+C.
 */
export type ScenarioStatus = 'passed' | 'failed' | 'error' | 'interrupted';

export interface ScenarioResult {
  readonly name: string;
  readonly description: string;
  readonly file: string;
  readonly status: ScenarioStatus;
  readonly seed: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly cluster: { readonly mode: 'fresh' | 'attached'; readonly nodes: number; readonly dir: string | null };
  readonly steps: readonly StepResult[];
  /** For status error: what went wrong before or around the steps. */
  readonly error?: string;
  /** The command that replays the same choices. */
  readonly replay: string;
  /** The fresh cluster's log (every process's output), kept with `--report`. */
  readonly log?: string;
}

/** Exit code of a set of results (SPEC): 0 all passed, 1 a step failed, 2 environment, 130 interrupted. */
export function exitCodeOf(results: readonly ScenarioResult[]): number {
  if (results.some((r) => r.status === 'interrupted')) return 130;
  if (results.some((r) => r.status === 'error')) return 2;
  if (results.some((r) => r.status === 'failed')) return 1;
  return 0;
}
