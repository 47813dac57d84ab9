// Everything one scenario run carries from step to step: the cluster, the seeded rng, the variables,
// the one operation history every client call is recorded in, and the background loads.

import type { HistoryRecorder } from '../../check/index.js';
import type { ClusterStatus } from '../../supervisor/index.js';
import type { BackgroundLoad } from './background-load.js';
import type { ClusterAdapter } from './cluster-adapter.js';
import type { Bindings } from './resolve-targets.js';

export interface RunState {
  readonly adapter: ClusterAdapter;
  readonly random: () => number;
  readonly seed: number;
  readonly vars: Bindings;
  readonly history: HistoryRecorder;
  /** Ids of operations made by steps that demanded an error (no_failed_writes does not count them). */
  readonly expectedFailures: Set<number>;
  readonly loads: Map<string, BackgroundLoad>;
  /** What each key held before the scenario began (absent on a fresh cluster; read first with --attach). */
  readonly initial: Map<string, string | null>;
  /** The proxy's URL (it never changes while the cluster lives). */
  proxyUrl: string | undefined;
}

/** What a step did, for the checklist line and the variables it binds. */
export interface StepOutcome {
  /** "killed node-2 (leader, term 3)", "node-3 caught up at index 12". */
  readonly detail: string;
  /** The processes the step acted on (bound to `$killed`, `$isolated`, `as:` names…). */
  readonly acted: readonly string[];
  /** The node `leader` resolved to in this step, or the elected leader of an await (binds `$leader`). */
  readonly leader: string | undefined;
}

/** The proxy's URL from a status (cached on the state). */
export function proxyUrlOf(state: RunState, status: ClusterStatus): string | undefined {
  if (state.proxyUrl !== undefined) return state.proxyUrl;
  const url = status.processes.find((p) => p.kind === 'proxy')?.url ?? undefined;
  if (url != null) state.proxyUrl = url;
  return url ?? undefined;
}
