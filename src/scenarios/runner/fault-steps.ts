// Process faults (kill/start/stop/restart/pause/resume) and network faults (partition/isolate/heal).
// Targets resolve against the live cluster when the step runs; a role target that names nobody yet
// (`kill: leader` during an election) is waited for, within the step's deadline.

import type { ClusterStatus } from '../../supervisor/index.js';
import type { HealStep, IsolateStep, PartitionStep, ProcessStep, Target } from '../types.js';
import type { RunState, StepOutcome } from './run-state.js';
import { resolveTargets, type Resolved, type ResolveOptions } from './resolve-targets.js';
import { pollUntil, RunnerBug, StepFailure, type Attempt } from './step-failure.js';

const PAST: Readonly<Record<ProcessStep['kind'], string>> = {
  kill: 'killed', start: 'running', stop: 'stopped', restart: 'restarted', pause: 'paused', resume: 'resumed',
};

export async function runProcessStep(state: RunState, step: ProcessStep, a: Attempt): Promise<StepOutcome> {
  const { resolved } = await resolveWhenPossible(state, step.targets, a, { action: step.kind });
  const outcomes = await state.adapter.act(step.kind, resolved.names, step.signal);
  const refused = outcomes.filter((o) => !o.ok);
  if (refused.length > 0) {
    throw new StepFailure(`${resolved.names.join(', ')} ${PAST[step.kind]}`, refused.map((o) => o.message).join('; '));
  }
  return { detail: outcomes.map((o) => o.message).join('; '), acted: resolved.names, leader: resolved.leader };
}

export async function runPartition(state: RunState, step: PartitionStep, a: Attempt): Promise<StepOutcome> {
  let groups: string[][] = [];
  let leader: string | undefined;
  await pollUntil(a, `the groups ${step.groups.map((g) => g.map((t) => t.text).join(',')).join(' | ')} to name nodes`, async () => {
    try {
      const status = await state.adapter.status();
      const resolved = step.groups.map((g) => resolveTargets(g, status, state.random, state.vars, { nodesOnly: true }));
      groups = resolved.map((r) => r.names);
      leader = resolved.find((r) => r.leader !== undefined)?.leader;
      return { done: true, seen: '' };
    } catch (err) {
      if (err instanceof RunnerBug) throw err;
      return { done: false, seen: err instanceof Error ? err.message : String(err) };
    }
  });
  const seenTwice = groups.flat().find((n, i, all) => all.indexOf(n) !== i);
  if (seenTwice !== undefined) throw new StepFailure('disjoint groups of nodes', `${seenTwice} is in two groups (${describeGroups(groups)})`);
  const message = await state.adapter.partition(groups);
  return { detail: message, acted: groups.flat(), leader };
}

export async function runIsolate(state: RunState, step: IsolateStep, a: Attempt): Promise<StepOutcome> {
  const { resolved, status } = await resolveWhenPossible(state, step.targets, a, { nodesOnly: true });
  const rest = status.processes.filter((p) => p.kind === 'node' && !resolved.names.includes(p.name)).map((p) => p.name);
  if (rest.length === 0) throw new StepFailure('some node left on the other side', `${resolved.names.join(', ')} is every node`);
  const message = await state.adapter.partition([resolved.names, rest]);
  return { detail: message, acted: resolved.names, leader: resolved.leader };
}

export async function runHeal(state: RunState, _step: HealStep): Promise<StepOutcome> {
  return { detail: await state.adapter.heal(), acted: [], leader: undefined };
}

/** Resolve targets, waiting (within the deadline) while a role target names nobody. */
async function resolveWhenPossible(state: RunState, targets: readonly Target[], a: Attempt, opts: ResolveOptions): Promise<{ resolved: Resolved; status: ClusterStatus }> {
  let out: { resolved: Resolved; status: ClusterStatus } | undefined;
  await pollUntil(a, `${targets.map((t) => t.text).join(',')} to name a process`, async () => {
    try {
      const status = await state.adapter.status();
      out = { resolved: resolveTargets(targets, status, state.random, state.vars, opts), status };
      return { done: true, seen: '' };
    } catch (err) {
      if (err instanceof RunnerBug) throw err;
      return { done: false, seen: err instanceof Error ? err.message : String(err) };
    }
  });
  if (out === undefined) throw new RunnerBug('targets not resolved');
  return out;
}

function describeGroups(groups: readonly (readonly string[])[]): string {
  return groups.map((g) => `{${g.join(',')}}`).join(' | ');
}
