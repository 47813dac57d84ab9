// Generates histories of a simulated *linearizable* execution, for property and performance tests.
//
// A plan is a list of steps; each step is one call by a logical thread. Its linearization point is
// drawn inside [invoke, complete] (for an 'info' step that takes effect: anywhere after invoke,
// even after the client gave up). Applying the steps in linearization-point order to a register
// per key gives each ok op its result, so the history is linearizable by construction.
import type { OpKind, Operation, Outcome } from '../../src/check/index.js';

export interface PlanStep {
  thread: number;
  kind: OpKind;
  key: number;
  /** Value index written (put/cas `to`): written as `v<val>`. */
  val: number;
  /** cas expected value index; null = must be absent. */
  from: number | null;
  /** Idle time before the call, and its duration (ms). */
  gap: number;
  dur: number;
  /** Where in the call the effect lands, 0..1 (info: scaled ×3, so it may land after the timeout). */
  frac: number;
  outcome: Outcome;
  /** For 'info': whether the effect happened at all. */
  infoApplies: boolean;
}

const v = (i: number): string => `v${i}`;

/** Builds the history of a plan; ids are plan order, clients are replaced after every 'info'. */
export function buildHistory(steps: readonly PlanStep[]): Operation[] {
  return simulate(steps).ops;
}

/** The history and the register values at the end (what a final read of every key returns). */
export function simulate(steps: readonly PlanStep[]): { ops: Operation[]; final: Map<string, string | null> } {
  const threadTime = new Map<number, number>();
  const threadClient = new Map<number, number>();
  let nextClient = 0;
  const ops: Operation[] = [];
  const effects: Array<{ at: number; op: Operation }> = [];
  steps.forEach((s, id) => {
    if (!threadClient.has(s.thread)) threadClient.set(s.thread, nextClient++);
    const client = threadClient.get(s.thread) as number;
    const invoke = (threadTime.get(s.thread) ?? 0) + s.gap;
    const end = invoke + s.dur;
    threadTime.set(s.thread, end);
    const key = `k${s.key}`;
    const op: Operation = { id, client, kind: s.kind, key, invoke, complete: s.outcome === 'info' ? null : end, outcome: s.outcome };
    if (s.kind === 'put') op.value = v(s.val);
    if (s.kind === 'cas') {
      op.value = v(s.val);
      op.from = s.from === null ? null : v(s.from);
    }
    ops.push(op);
    if (s.outcome === 'ok') effects.push({ at: invoke + s.frac * s.dur, op });
    if (s.outcome === 'info') {
      threadClient.set(s.thread, nextClient++); // the retired client is replaced
      if (s.infoApplies) effects.push({ at: invoke + s.frac * s.dur * 3, op });
    }
  });
  // Stable sort: equal points keep plan order, which is a legal order for them too.
  effects.sort((a, b) => a.at - b.at);
  const state = new Map<string, string | null>();
  for (const { op } of effects) {
    const cur = state.get(op.key) ?? null;
    const known = op.outcome === 'ok';
    switch (op.kind) {
      case 'put':
        state.set(op.key, op.value ?? null);
        break;
      case 'get':
        if (known) op.value = cur;
        break;
      case 'delete':
        if (known) op.deleted = cur !== null;
        state.set(op.key, null);
        break;
      case 'cas':
        if (cur === op.from) state.set(op.key, op.value ?? null);
        else if (known) op.casFailed = true;
        break;
    }
  }
  for (const op of ops) if (!state.has(op.key)) state.set(op.key, null);
  return { ops, final: state };
}

/** Small fast deterministic PRNG (mulberry32); returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomPlanOptions {
  ops: number;
  keys: number;
  threads: number;
  infoRate: number;
  failRate: number;
}

/** A large random plan: mixed workload, unique written values, mostly-matching cas, some slow calls. */
export function randomPlan(rng: () => number, o: RandomPlanOptions): PlanStep[] {
  const steps: PlanStep[] = [];
  const lastWritten = new Map<number, number | null>();
  for (let i = 0; i < o.ops; i++) {
    const r = rng();
    const kind: OpKind = r < 0.4 ? 'get' : r < 0.7 ? 'put' : r < 0.8 ? 'delete' : 'cas';
    const key = Math.floor(rng() * o.keys);
    const o2 = rng();
    const outcome: Outcome = o2 < o.infoRate ? 'info' : o2 < o.infoRate + o.failRate ? 'fail' : 'ok';
    const slow = rng() < 0.02;
    const from = rng() < 0.7 ? (lastWritten.get(key) ?? null) : Math.floor(rng() * o.ops);
    if (kind === 'put' || kind === 'cas') lastWritten.set(key, i);
    if (kind === 'delete') lastWritten.set(key, null);
    steps.push({
      thread: Math.floor(rng() * o.threads),
      kind,
      key,
      val: i,
      from,
      gap: rng(),
      dur: slow ? 5 + rng() * 45 : 0.1 + rng() * 4.9,
      frac: rng(),
      outcome,
      infoApplies: rng() < 0.5,
    });
  }
  return steps;
}
