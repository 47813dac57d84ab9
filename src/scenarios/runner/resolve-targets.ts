// Scenario targets → process names against the live cluster, with the runner's seeded rng and the
// variables bound so far. Keywords resolve exactly as the CLI's TARGET (supervisor's resolveTarget),
// so `kill leader` in a scenario and on the command line pick the same node.

import { resolveTarget, TargetError, type ClusterStatus, type StatusProcess } from '../../supervisor/index.js';
import type { ProcessAction, Target } from '../types.js';
import { RunnerBug } from './step-failure.js';

/** Variables: name (without `$`) → the process names it stands for. */
export type Bindings = Map<string, readonly string[]>;

/** The processes a random pick may land on for an action (a random kill never picks a dead node). */
const ELIGIBLE: Readonly<Record<ProcessAction, (state: string) => boolean>> = {
  kill: (s) => s === 'running' || s === 'paused',
  stop: (s) => s === 'running' || s === 'paused',
  restart: (s) => s === 'running' || s === 'paused',
  pause: (s) => s === 'running',
  resume: (s) => s === 'paused',
  start: (s) => s === 'stopped' || s === 'crashed',
};

export interface Resolved {
  /** Process names, in status order, without duplicates. */
  readonly names: string[];
  /** The node the keyword `leader` resolved to, when the targets used it (binds `$leader`). */
  readonly leader: string | undefined;
}

export interface ResolveOptions {
  /** Keep only nodes (await caught_up, isolate, partition). */
  readonly nodesOnly?: boolean;
  /** For `follower` / `random`: choose among processes this action applies to. */
  readonly action?: ProcessAction;
}

/** Resolve; throws TargetError ("there is no leader right now; processes: …") when a keyword matches nothing. */
export function resolveTargets(targets: readonly Target[], status: ClusterStatus, random: () => number, vars: Bindings, opts: ResolveOptions = {}): Resolved {
  const procs = status.processes;
  const chosen = new Set<string>();
  let leader: string | undefined;
  for (const t of targets) {
    let names: readonly string[];
    if (t.kind === 'node') {
      const name = `node-${t.id}`;
      if (!procs.some((p) => p.name === name)) throw new TargetError(`there is no node-${t.id} (the cluster has ${procs.filter((p) => p.kind === 'node').length} nodes)`);
      names = [name];
    } else if (t.kind === 'var') {
      const bound = vars.get(t.name);
      // The parser proved every variable is bound before use; reaching this is a runner bug.
      if (bound === undefined) throw new RunnerBug(`$${t.name} is not bound`);
      names = bound;
    } else {
      const pool = (t.keyword === 'random' || t.keyword === 'follower') && opts.action !== undefined
        ? procs.filter((p) => ELIGIBLE[opts.action as ProcessAction](p.state))
        : procs;
      const usable = opts.nodesOnly === true && t.keyword === 'all' ? pool.filter((p) => p.kind === 'node') : pool;
      names = resolveTarget(t.keyword, usable.length > 0 ? usable : procs, random);
      if (t.keyword === 'leader') leader = names[0];
    }
    for (const n of names) chosen.add(n);
  }
  let names = procs.filter((p) => chosen.has(p.name)).map((p) => p.name);
  if (opts.nodesOnly === true) names = names.filter((n) => procs.find((p) => p.name === n)?.kind === 'node');
  if (names.length === 0) throw new TargetError(`${targets.map((t) => t.text).join(',')} names no node`);
  return { names, leader };
}

/** The status row of a process (throws when it vanished, which the supervisor never does). */
export function row(status: ClusterStatus, name: string): StatusProcess {
  const r = status.processes.find((p) => p.name === name);
  if (r === undefined) throw new TargetError(`no process named ${name}`);
  return r;
}

/** "node-1 leader t3, node-2 follower t3, node-3 crashed (SIGKILL)" — what the runner saw, for messages. */
export function describeNodes(status: ClusterStatus, names?: readonly string[]): string {
  const rows = status.processes.filter((p) => p.kind === 'node' && (names === undefined || names.includes(p.name)));
  return rows.map((p) => {
    if (p.state !== 'running') return `${p.name} ${p.state === 'crashed' && p.signal != null ? `crashed (${p.signal})` : p.state}`;
    if (p.role == null) return `${p.name} not answering`;
    const parts = [`${p.role} t${p.term ?? '?'}`];
    if (p.role !== 'leader') parts.push(`leader ${p.leader ?? '-'}`);
    parts.push(`applied ${p.appliedIndex ?? '?'}`);
    if (p.lag != null && p.lag > 0) parts.push(`lag ${p.lag}`);
    return `${p.name} ${parts.join(', ')}`;
  }).join('; ');
}
