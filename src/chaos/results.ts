// results.json: everything the run decided, in one object — the verdict and exit code, each check
// with its explanation, the figures, and the faults as they happened. The HTML report is rendered
// from this plus the history.
import { checkLinearizable, checkLostWrites, checkRaftInvariants, type Operation } from '../check/index.js';
import { classifyFailure, type Anomaly } from './anomaly.js';
import type { FinalPhaseResult } from './final-phase.js';
import type { FaultRecord } from './nemesis.js';
import type { RaftEvidence } from './raft-evidence.js';

export type Verdict = 'valid' | 'invalid' | 'unknown';

export interface RunSettings {
  seed: number;
  durationMs: number;
  nemeses: string[];
  nodes: number;
  clients: number;
  keys: string[];
  unsafeStaleReads: boolean;
  attached: boolean;
  /** The command that draws the same schedule again. */
  replay: string;
}

export interface LinearizabilityResult {
  valid: true | false | 'unknown';
  elapsedMs: number;
  keysChecked: number;
  unknownKeys: string[];
  failures: { key: string; message: string; opId: number; conflictIds: number[]; anomaly: Anomaly['kind']; headline: string; missedId?: number }[];
}

export interface FaultSummary {
  index: number;
  kind: string;
  label: string;
  nodes: string[];
  groups?: number[][];
  /** Seconds after the first operation. */
  startS: number;
  endS: number | null;
  problems: string[];
}

export interface ChaosResults {
  tool: 'raft-sup chaos';
  settings: RunSettings;
  verdict: Verdict;
  exitCode: 0 | 1 | 2;
  /** One line per check ("linearizable: yes (5 keys, 0.8 s)"). */
  summary: string[];
  checks: {
    linearizable: LinearizabilityResult;
    lostWrites: { ok: boolean; lost: { key: string; opId: number; message: string }[] };
    raft: { ok: boolean; violations: string[]; elections: number; committedEntries: Record<string, number>; notes: string[] };
    liveness: { ok: boolean; problems: string[]; leaderAfterMs: number | null; notes: string[] };
  };
  stats: {
    operations: number;
    ok: number;
    fail: number;
    info: number;
    /** Logical clients used (retired ones included). */
    clientIds: number;
    /** Wall time of the load phase, ms. */
    loadMs: number;
    opsPerSec: number;
    okPerSec: number;
    latencyMs: { p50: number; p99: number; max: number };
    checkerMs: number;
  };
  faults: FaultSummary[];
  /** key → node → value at the end (null = absent). */
  finalReads: Record<string, Record<string, string | null>>;
}

export interface VerdictInput {
  settings: RunSettings;
  ops: readonly Operation[];
  /** Operations of the load phase only (the figures are about them). */
  loadOps: number;
  loadMs: number;
  faults: readonly FaultRecord[];
  final: FinalPhaseResult;
  evidence: RaftEvidence;
  checkTimeoutMs: number;
}

/** Run every check and assemble results.json. */
const ANOMALY_RANK: Record<Anomaly['kind'], number> = { 'stale-read': 0, 'impossible-read': 1, 'lost-update': 2, other: 3 };

export function decide(input: VerdictInput): ChaosResults {
  const { ops } = input;
  const t0 = ops.reduce((m, o) => Math.min(m, o.invoke), Infinity);
  const started = performance.now();
  const lin = checkLinearizable(ops, { timeoutMs: input.checkTimeoutMs });
  const lost = checkLostWrites(ops, input.final.finalValues);
  const raft = checkRaftInvariants(input.evidence.events);
  const checkerMs = performance.now() - started;

  const linearizable: LinearizabilityResult = {
    valid: lin.valid,
    elapsedMs: lin.elapsedMs,
    keysChecked: lin.keysChecked,
    unknownKeys: lin.unknownKeys,
    failures: lin.failures.map((f) => {
      const a = classifyFailure(f, ops);
      return {
        key: f.key, message: f.message, opId: f.op.id, conflictIds: f.conflicts.map((c) => c.id), anomaly: a.kind, headline: a.headline,
        ...(a.missed ? { missedId: a.missed.id } : {}),
      };
    })
      // The most telling anomaly leads (it becomes the verdict's headline): a stale read names the
      // write it missed; an "other" is usually a consequence (e.g. a write placed after a stale read).
      .sort((x, y) => ANOMALY_RANK[x.anomaly] - ANOMALY_RANK[y.anomaly]),
  };
  const liveness = { ok: input.final.problems.length === 0, problems: input.final.problems, leaderAfterMs: input.final.leaderAfterMs, notes: input.final.notes };
  const invalid = lin.valid === false || !lost.ok || !raft.ok || !liveness.ok;
  const verdict: Verdict = invalid ? 'invalid' : lin.valid === 'unknown' ? 'unknown' : 'valid';

  const loadOps = ops.slice(0, input.loadOps);
  const count = (o: Operation['outcome']): number => loadOps.filter((x) => x.outcome === o).length;
  const latencies = loadOps.filter((o) => o.outcome === 'ok' && o.complete !== null).map((o) => (o.complete as number) - o.invoke).sort((a, b) => a - b);
  const pct = (p: number): number => round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
  const secs = Math.max(0.001, input.loadMs / 1000);

  const summary = [
    `linearizable: ${lin.valid === true ? 'yes' : lin.valid === false ? `NO (${lin.failures.length} key${lin.failures.length === 1 ? '' : 's'})` : `unknown (${lin.unknownKeys.length} key(s) undecided in ${Math.round(input.checkTimeoutMs / 1000)} s)`}` +
      ` — ${lin.keysChecked} keys checked in ${(lin.elapsedMs / 1000).toFixed(2)} s`,
    `lost writes: ${lost.ok ? 'none' : `${lost.lost.length} acknowledged write(s) lost`}`,
    `raft invariants: ${raft.ok ? 'hold' : `${raft.violations.length} violation(s)`} — ${input.evidence.elections} elections` +
      `, ${Object.values(input.evidence.committedEntries).reduce((a, b) => a + b, 0)} committed entries compared`,
    `liveness: ${liveness.ok ? `a leader after healing in ${((input.final.leaderAfterMs ?? 0) / 1000).toFixed(1)} s, every node answered` : liveness.problems.join('; ')}`,
  ];
  return {
    tool: 'raft-sup chaos',
    settings: input.settings,
    verdict,
    exitCode: verdict === 'valid' ? 0 : verdict === 'invalid' ? 1 : 2,
    summary,
    checks: {
      linearizable,
      lostWrites: { ok: lost.ok, lost: lost.lost.map((l) => ({ key: l.key, opId: l.op.id, message: l.message })) },
      raft: { ok: raft.ok, violations: raft.violations, elections: input.evidence.elections, committedEntries: input.evidence.committedEntries, notes: input.evidence.notes },
      liveness,
    },
    stats: {
      operations: loadOps.length, ok: count('ok'), fail: count('fail'), info: count('info'),
      clientIds: new Set(loadOps.map((o) => o.client)).size,
      loadMs: Math.round(input.loadMs),
      opsPerSec: round(loadOps.length / secs), okPerSec: round(count('ok') / secs),
      latencyMs: { p50: pct(0.5), p99: pct(0.99), max: round(latencies[latencies.length - 1] ?? 0) },
      checkerMs: Math.round(checkerMs),
    },
    faults: input.faults.map((f) => ({
      index: f.index, kind: f.kind, label: f.label, nodes: f.nodes, ...(f.groups ? { groups: f.groups } : {}),
      startS: round((f.start - t0) / 1000), endS: f.end === null ? null : round((f.end - t0) / 1000), problems: f.problems,
    })),
    finalReads: Object.fromEntries([...input.final.reads].map(([k, m]) => [k, Object.fromEntries(m)])),
  };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
