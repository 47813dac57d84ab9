// `await`: poll the cluster until a condition holds or the step's deadline passes. Never a sleep:
// the step ends the moment the condition is seen, and the failure says what was seen last.

import type { ClusterStatus, StatusProcess } from '../../supervisor/index.js';
import type { AwaitCondition, AwaitStep } from '../types.js';
import { formatDuration } from '../duration.js';
import { show } from './client-steps.js';
import { proxyUrlOf, type RunState, type StepOutcome } from './run-state.js';
import { describeNodes, resolveTargets, row } from './resolve-targets.js';
import { pollUntil, remaining, RunnerBug, type Attempt } from './step-failure.js';

export async function runAwait(state: RunState, step: AwaitStep, a: Attempt): Promise<StepOutcome> {
  const c = step.condition;
  switch (c.kind) {
    case 'leader-elected':
    case 'leader-changed':
      return awaitLeader(state, c.kind, a);
    case 'leader-none':
      return awaitNoLeader(state, a);
    case 'caught-up':
      return awaitCaughtUp(state, c, a);
    case 'key-value':
      return awaitKeyValue(state, c, a);
    case 'load-done':
    case 'load-progress':
      return awaitLoad(state, c, a);
  }
}

/** The leader a majority of the cluster agrees on (it claims leadership; enough nodes name it). */
export function agreedLeader(status: ClusterStatus): { leader: StatusProcess; votes: number } | undefined {
  const nodes = status.processes.filter((p) => p.kind === 'node');
  const majority = Math.floor(nodes.length / 2) + 1;
  const claims = nodes.filter((p) => p.state === 'running' && p.role === 'leader');
  // Newest term first: a cut-off old leader may still claim an older term.
  claims.sort((x, y) => (y.term ?? -1) - (x.term ?? -1));
  for (const leader of claims) {
    const votes = nodes.filter((p) => p.state === 'running' && p.term === leader.term && (p.name === leader.name || p.leader === leader.id)).length;
    if (votes >= majority) return { leader, votes };
  }
  return undefined;
}

async function awaitLeader(state: RunState, kind: 'leader-elected' | 'leader-changed', a: Attempt): Promise<StepOutcome> {
  const previous = kind === 'leader-changed' ? state.vars.get('leader')?.[0] : undefined;
  if (kind === 'leader-changed' && previous === undefined) throw new RunnerBug('$leader is not bound for `await leader changed`');
  let found: { leader: StatusProcess; votes: number } | undefined;
  const expected = kind === 'leader-elected'
    ? 'a leader that a majority of the nodes follows'
    : `a leader other than ${previous ?? '?'} that a majority of the nodes follows`;
  await pollUntil(a, expected, async () => {
    const status = await statusOrNull(state);
    if (status === null) return { done: false, seen: 'the supervisor did not answer' };
    const agreed = agreedLeader(status);
    if (agreed !== undefined && agreed.leader.name !== previous) {
      found = agreed;
      return { done: true, seen: '' };
    }
    return { done: false, seen: describeNodes(status) };
  });
  if (found === undefined) throw new RunnerBug('leader not found after the poll succeeded');
  const l = found.leader;
  return { detail: `${l.name} leads term ${l.term ?? '?'} (${found.votes} nodes agree)`, acted: [l.name], leader: l.name };
}

async function awaitNoLeader(state: RunState, a: Attempt): Promise<StepOutcome> {
  await pollUntil(a, 'no running node claiming to be leader', async () => {
    const status = await statusOrNull(state);
    if (status === null) return { done: false, seen: 'the supervisor did not answer' };
    const claims = status.processes.filter((p) => p.kind === 'node' && p.state === 'running' && p.role === 'leader');
    return { done: claims.length === 0, seen: describeNodes(status) };
  });
  return { detail: 'no node claims leadership', acted: [], leader: undefined };
}

/**
 * Each node applied everything the agreed leader has committed, follows that leader, and is in its
 * term. The leader's commitIndex is read in the same poll, so it was reached after the step began.
 */
async function awaitCaughtUp(state: RunState, c: Extract<AwaitCondition, { kind: 'caught-up' }>, a: Attempt): Promise<StepOutcome> {
  let names: readonly string[] = [];
  let leaderName: string | undefined;
  let commit = 0;
  const what = c.nodes.map((t) => t.text).join(',');
  await pollUntil(a, `${what} to have applied everything the leader committed`, async () => {
    const status = await statusOrNull(state);
    if (status === null) return { done: false, seen: 'the supervisor did not answer' };
    let r;
    try {
      r = resolveTargets(c.nodes, status, state.random, state.vars, { nodesOnly: true });
    } catch (err) {
      if (err instanceof RunnerBug) throw err;
      return { done: false, seen: err instanceof Error ? err.message : String(err) };
    }
    names = r.names;
    leaderName = r.leader;
    const agreed = agreedLeader(status);
    if (agreed === undefined) return { done: false, seen: `no agreed leader yet: ${describeNodes(status)}` };
    const l = agreed.leader;
    commit = l.commitIndex ?? 0;
    const behind = names.filter((n) => {
      const p = row(status, n);
      const follows = p.name === l.name || (p.leader === l.id && p.term === l.term);
      return !(p.state === 'running' && follows && (p.appliedIndex ?? -1) >= commit);
    });
    return { done: behind.length === 0, seen: `leader ${l.name} committed ${commit}; ${describeNodes(status, behind.length > 0 ? behind : names)}` };
  });
  return { detail: `${names.join(', ')} applied index ${commit}`, acted: [...names], leader: leaderName };
}

async function awaitKeyValue(state: RunState, c: Extract<AwaitCondition, { kind: 'key-value' }>, a: Attempt): Promise<StepOutcome> {
  let leaderName: string | undefined;
  let names: string[] = [];
  const where = c.on.map((t) => t.text).join(',');
  await pollUntil(a, `${c.key} = ${show(c.value)} on ${where} (${c.consistency} reads)`, async () => {
    const status = await statusOrNull(state);
    if (status === null) return { done: false, seen: 'the supervisor did not answer' };
    proxyUrlOf(state, status);
    let r;
    try {
      r = resolveTargets(c.on, status, state.random, state.vars);
    } catch (err) {
      if (err instanceof RunnerBug) throw err;
      return { done: false, seen: err instanceof Error ? err.message : String(err) };
    }
    names = r.names;
    leaderName = r.leader;
    // Probes, not operations: they are not recorded in the history.
    const reads = await Promise.all(r.names.map(async (name) => {
      const url = row(status, name).url;
      if (url == null) return `${name}: no address`;
      try {
        const v = await state.adapter.endpoint(url).get(c.key, { consistency: c.consistency, timeoutMs: Math.min(remaining(a), 2000) });
        return v === c.value ? null : `${name} has ${show(v)}`;
      } catch (err) {
        return `${name}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }));
    const wrong = reads.filter((x): x is string => x !== null);
    return { done: wrong.length === 0, seen: wrong.join('; ') };
  });
  return { detail: `${c.key} = ${show(c.value)} on ${names.join(', ')}`, acted: names, leader: leaderName };
}

async function awaitLoad(state: RunState, c: Extract<AwaitCondition, { kind: 'load-done' | 'load-progress' }>, a: Attempt): Promise<StepOutcome> {
  const load = state.loads.get(c.load);
  if (load === undefined) throw new RunnerBug(`load ${c.load} was not started`);
  const expected = c.kind === 'load-done' ? `load ${c.load} to finish by itself` : `load ${c.load} to reach ${c.ops} successful operations`;
  await pollUntil(a, expected, () => {
    const s = load.stats();
    const done = c.kind === 'load-done' ? load.finished : s.ok >= c.ops;
    return Promise.resolve({ done, seen: `${load.describe()}${c.kind === 'load-done' ? ` after ${formatDuration(s.elapsedMs)}` : ''}` });
  });
  return { detail: load.describe(), acted: [], leader: undefined };
}

async function statusOrNull(state: RunState): Promise<ClusterStatus | null> {
  try {
    return await state.adapter.status();
  } catch {
    return null;
  }
}
