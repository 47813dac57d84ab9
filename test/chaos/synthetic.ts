// Synthetic chaos runs for report tests: a linearizable history drawn from a seed (each operation
// takes effect at a random point inside its call), optionally with one planted stale read, plus
// faults, final reads and Raft evidence — put through the real `decide()` so the checks are real.
import type { Operation } from '../../src/check/index.js';
import { decide, Prng, type ChaosResults, type FaultRecord, type FinalPhaseResult, type RaftEvidence } from '../../src/chaos/index.js';

export interface SyntheticRun {
  results: ChaosResults;
  ops: Operation[];
  loadOps: number;
  /** Id of the planted stale read (invalid runs). */
  staleId: number | null;
  /** Id of the write that stale read missed. */
  missedId: number | null;
}

const NODES = ['node-1', 'node-2', 'node-3'];

export function syntheticRun(opts: { seed: number; invalid: boolean; clients?: number; perClient?: number; keys?: string[] }): SyntheticRun {
  const rng = new Prng(opts.seed);
  const keys = opts.keys ?? ['k0', 'k1', 'k2'];
  const clients = opts.clients ?? 4;
  type Raw = Omit<Operation, 'id'> & { lp: number };
  const raw: Raw[] = [];
  let vseq = 0;
  for (let c = 0; c < clients; c++) {
    let t = rng.real(0, 5);
    for (let i = 0; i < (opts.perClient ?? 30); i++) {
      const dur = rng.real(2, 20);
      const kind = rng.pick(['put', 'get', 'get', 'cas', 'delete'] as const);
      const op: Raw = { client: c, kind, key: rng.pick(keys), invoke: t, complete: t + dur, outcome: 'ok', node: rng.pick(['proxy', ...NODES]), lp: t + rng.real(0.1, 0.9) * dur };
      if (kind === 'put' || kind === 'cas') op.value = `v${++vseq}`;
      raw.push(op);
      t += dur + rng.real(0, 5);
    }
  }
  // Apply in linearization-point order to fill in what each call saw.
  const state = new Map<string, string | null>();
  for (const op of [...raw].sort((a, b) => a.lp - b.lp)) {
    const cur = state.get(op.key) ?? null;
    if (op.kind === 'put') state.set(op.key, op.value ?? null);
    else if (op.kind === 'get') op.value = cur;
    else if (op.kind === 'delete') {
      op.deleted = cur !== null;
      state.set(op.key, null);
    } else {
      op.from = rng.chance(0.6) ? cur : 'nope';
      if (op.from === cur) state.set(op.key, op.value ?? null);
      else op.casFailed = true;
    }
  }
  const tEnd = Math.max(...raw.map((o) => o.complete as number));
  // A definite failure and an indefinite write (its client is retired: nothing after it).
  raw.push({ client: clients, kind: 'put', key: keys[0] as string, value: 'failed-write', invoke: 3, complete: 9, outcome: 'fail', node: 'node-2', error: '421 NOT_LEADER', lp: 0 });
  raw.push({ client: clients + 1, kind: 'put', key: (keys[1] ?? keys[0]) as string, value: `v${++vseq}`, invoke: tEnd + 1, complete: null, outcome: 'info', node: 'proxy', error: '504 TIMEOUT', lp: 0 });
  let staleWrite: Raw | null = null;
  let staleRead: Raw | null = null;
  if (opts.invalid) {
    const k = keys[0] as string;
    const old = `v${++vseq}`;
    const fresh = `v${++vseq}`;
    raw.push({ client: clients + 2, kind: 'put', key: k, value: old, invoke: tEnd + 5, complete: tEnd + 8, outcome: 'ok', node: 'proxy', lp: 0 });
    staleWrite = { client: clients + 2, kind: 'put', key: k, value: fresh, invoke: tEnd + 10, complete: tEnd + 13, outcome: 'ok', node: 'proxy', lp: 0 };
    raw.push(staleWrite);
    staleRead = { client: clients + 3, kind: 'get', key: k, value: old, invoke: tEnd + 20, complete: tEnd + 22, outcome: 'ok', node: 'node-3', lp: 0 };
    raw.push(staleRead);
    state.set(k, fresh);
  }
  raw.sort((a, b) => a.invoke - b.invoke);
  const ops: Operation[] = raw.map(({ lp: _lp, ...o }, id) => ({ id, ...o }));
  const loadOps = ops.length;
  // Final reads: every key from every node, after a pause standing for the restarts.
  let t = tEnd + 200;
  const reads = new Map<string, Map<string, string | null>>();
  const finalValues = new Map<string, string | null>();
  NODES.forEach((node, i) => {
    for (const key of keys) {
      const value = opts.invalid ? (state.get(key) ?? null) : (state.get(key) ?? null);
      ops.push({ id: ops.length, client: clients + 10 + i, kind: 'get', key, value, invoke: t, complete: t + 1, outcome: 'ok', node });
      t += 2;
      if (!reads.has(key)) reads.set(key, new Map());
      reads.get(key)?.set(node, value);
      finalValues.set(key, value);
    }
  });
  const faults: FaultRecord[] = [
    fault(1, 'kill', 'kill -9 node-2 (leader, term 1)', ['node-2'], 10, 40),
    fault(2, 'isolate', 'isolate node-3 (follower, term 2)', ['node-3'], 60, 90, [[3], [1, 2]]),
  ];
  const final: FinalPhaseResult = { leader: 1, leaderAfterMs: 150, reads, finalValues, problems: [], notes: [] };
  const evidence: RaftEvidence = {
    events: [{ node: 'node-2', type: 'leader', term: 1 }, { node: 'node-1', type: 'leader', term: 2 }],
    elections: 2,
    committedEntries: { 'node-1': 0, 'node-2': 0, 'node-3': 0 },
    notes: [],
  };
  const results = decide({
    settings: { seed: opts.seed, durationMs: 1000, nemeses: ['kill', 'partition'], nodes: 3, clients, keys, unsafeStaleReads: opts.invalid, attached: false, replay: `raft-sup chaos --seed ${opts.seed} --duration 1s --nemesis kill,partition` },
    ops, loadOps, loadMs: tEnd, faults, final, evidence, checkTimeoutMs: 10_000,
  });
  const find = (r: Raw | null): number | null => (r === null ? null : (ops.find((o) => o.invoke === r.invoke && o.client === r.client)?.id ?? null));
  return { results, ops, loadOps, staleId: find(staleRead), missedId: find(staleWrite) };
}

function fault(index: number, kind: FaultRecord['kind'], label: string, nodes: string[], start: number, end: number, groups?: number[][]): FaultRecord {
  return {
    index, kind, label, nodes, start, end, startOps: index * 10, endOps: index * 10 + 5, problems: [],
    planned: { index, kind, role: 'leader', atMs: start, holdMs: end - start },
    ...(groups ? { groups } : {}),
  };
}
