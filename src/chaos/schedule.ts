// The fault schedule: drawn entirely from the seed before the run starts, so `--seed N` with the same
// duration, nemeses and node count plans exactly the same faults (tested).
//
// Like TigerBeetle's VOPR, the fault *parameters* are drawn from the seed too (the regime): one seed
// gives frequent short faults, another rare long ones, another mostly partitions. Times here are
// plans; the executor starts each fault at its planned time or when the previous one has been
// undone, whichever is later, and records what really happened.
import { NEMESIS_FAULTS, type FaultKind, type FaultRole, type NemesisName } from './nemesis-kinds.js';
import { streamFor, type Prng } from './prng.js';

/** How this seed likes its faults. */
export interface Regime {
  /** Quiet time before the first fault (the load gets going). */
  warmupMs: number;
  /** Mean quiet time between one fault's end and the next one's start. */
  meanGapMs: number;
  minHoldMs: number;
  maxHoldMs: number;
  /** Relative frequency of each enabled fault kind. */
  weights: Partial<Record<FaultKind, number>>;
}

/** One planned fault. */
export interface PlannedFault {
  /** 1-based, in order. */
  index: number;
  kind: FaultKind;
  /**
   * kill/pause/isolate/one-way: which node (leader, a follower, any node).
   * split: 'leader' = the leader is on the minority side, 'follower' = it is on the majority side.
   * restart-all: 'any'.
   */
  role: FaultRole;
  /** one-way only: deaf = the node hears nothing from the others; mute = the others hear nothing from it. */
  direction?: 'deaf' | 'mute';
  /** Planned start, ms after the load began. */
  atMs: number;
  /** How long the fault is held before it is undone. */
  holdMs: number;
}

export interface Schedule {
  seed: number;
  durationMs: number;
  nodes: number;
  nemeses: NemesisName[];
  regime: Regime;
  faults: PlannedFault[];
}

export interface ScheduleInput {
  seed: number;
  durationMs: number;
  nodes: number;
  nemeses: readonly NemesisName[];
}

/** No fault starts in the last stretch of the run: the final phase heals anyway. */
const TAIL_MS = 500;

/** The schedule for this seed; pure and deterministic. */
export function generateSchedule(input: ScheduleInput): Schedule {
  const rng = streamFor(input.seed, 'schedule');
  const kinds = enabledKinds(input.nemeses, input.nodes);
  const regime = drawRegime(rng, kinds);
  const faults: PlannedFault[] = [];
  let t = regime.warmupMs;
  while (kinds.length > 0) {
    const holdMs = Math.round(rng.real(regime.minHoldMs, regime.maxHoldMs));
    if (t + Math.min(holdMs, regime.minHoldMs) > input.durationMs - TAIL_MS) break;
    const kind = rng.weighted(regime.weights as Record<FaultKind, number>);
    faults.push({ index: faults.length + 1, ...drawTarget(rng, kind), atMs: Math.round(t), holdMs });
    // Exponential gaps: mostly short, now and then a long calm.
    t += holdMs + Math.min(regime.meanGapMs * 4, -Math.log(1 - rng.next()) * regime.meanGapMs);
  }
  return { seed: input.seed, durationMs: input.durationMs, nodes: input.nodes, nemeses: [...input.nemeses], regime, faults };
}

/** The fault kinds the nemeses enable (a split needs at least 3 nodes to have a majority side). */
export function enabledKinds(nemeses: readonly NemesisName[], nodes: number): FaultKind[] {
  const out: FaultKind[] = [];
  for (const n of nemeses) for (const k of NEMESIS_FAULTS[n]) if (!out.includes(k)) out.push(k);
  return nodes < 2 ? out.filter((k) => k !== 'isolate' && k !== 'split' && k !== 'one-way') : nodes < 3 ? out.filter((k) => k !== 'split') : out;
}

function drawRegime(rng: Prng, kinds: readonly FaultKind[]): Regime {
  const minHoldMs = Math.round(rng.real(500, 1500));
  const weights: Partial<Record<FaultKind, number>> = {};
  // A whole-cluster restart is heavy (every client waits for a new election); keep it rarer.
  for (const k of kinds) weights[k] = Number((k === 'restart-all' ? rng.real(0.3, 1) : rng.real(1, 4)).toFixed(2));
  return {
    warmupMs: Math.round(rng.real(500, 1500)),
    meanGapMs: Math.round(rng.real(300, 3000)),
    minHoldMs,
    maxHoldMs: minHoldMs + Math.round(rng.real(1000, 4000)),
    weights,
  };
}

function drawTarget(rng: Prng, kind: FaultKind): Pick<PlannedFault, 'kind' | 'role' | 'direction'> {
  switch (kind) {
    case 'kill':
    case 'pause':
      return { kind, role: rng.weighted({ leader: 2, follower: 2, any: 1 }) };
    case 'isolate':
    case 'split':
      return { kind, role: rng.chance(0.5) ? 'leader' : 'follower' };
    case 'one-way':
      return { kind, role: rng.weighted({ leader: 1, follower: 1 }), direction: rng.chance(0.5) ? 'deaf' : 'mute' };
    case 'restart-all':
      return { kind, role: 'any' };
  }
}

/** "kill the leader", "isolate a follower", "one-way: the leader hears nobody" — for plans and logs. */
export function describePlanned(f: Pick<PlannedFault, 'kind' | 'role' | 'direction'>): string {
  const who = f.role === 'leader' ? 'the leader' : f.role === 'follower' ? 'a follower' : 'a node';
  switch (f.kind) {
    case 'kill': return `kill -9 ${who}`;
    case 'pause': return `pause ${who}`;
    case 'isolate': return `isolate ${who}`;
    case 'split': return f.role === 'leader' ? 'partition with the leader in the minority' : 'partition with the leader in the majority';
    case 'one-way': return f.direction === 'deaf' ? `one-way: ${who} hears nobody` : `one-way: nobody hears ${who}`;
    case 'restart-all': return 'kill -9 every node, then start them all';
  }
}
