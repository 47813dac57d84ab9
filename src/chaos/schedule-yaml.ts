// schedule.yaml: a chaos run's faults as a scenario (scenarios/README.md vocabulary), so
// `raft-sup scenario schedule.yaml` replays them against a fresh cluster and checks the result.
//
// Scenarios have no sleep (they wait for conditions), so the replay's clock is the load's progress:
// each fault starts once the scenario's load has made as many successful operations as this run's
// load had made when the fault struck. Victims are written as roles (`kill: leader`), bound with
// `as:` so the undo hits the same node; partitions are written with the node ids they really had.
// A one-way cut has no scenario spelling (scenario partitions are two-way); it is replayed as an
// isolation of the same node and says so in a comment.
import type { FaultRecord } from './nemesis.js';
import type { PlannedFault, Schedule } from './schedule.js';
import { OP_MIX } from './workload.js';

export interface ScheduleYamlInput {
  schedule: Schedule;
  clients: number;
  keys: number;
  /** The faults as executed; without them the plan is written, with load progress estimated from `estimatedOkPerSec`. */
  records?: readonly FaultRecord[];
  estimatedOkPerSec?: number;
  /** The command that replays the whole chaos run. */
  replay: string;
}

const LOAD = 'chaos';
const AWAIT_WITHIN = '60s';

/** The scenario text. */
export function scheduleToYaml(input: ScheduleYamlInput): string {
  const { schedule } = input;
  const nodes = Array.from({ length: schedule.nodes }, (_, i) => i + 1);
  const rate = input.estimatedOkPerSec ?? 100;
  const lines: string[] = [
    `# Written by raft-sup chaos. The faults of seed ${schedule.seed} as a scenario: each one starts when the`,
    '# load has made as many successful operations as the chaos run had made at that moment (scenarios',
    '# wait for conditions, never for a fixed time). Load clients do not delete; chaos clients did.',
    `# The chaos run itself: ${input.replay}`,
    `name: ${q(`chaos-seed-${schedule.seed}`)}`,
    `description: ${q(`Faults of raft-sup chaos seed ${schedule.seed} (${input.records?.length ?? schedule.faults.length} faults over ${Math.round(schedule.durationMs / 1000)} s) under load, then checked`)}`,
    `cluster: { nodes: ${schedule.nodes} }`,
    `seed: ${schedule.seed}`,
    'steps:',
    `  - load: { name: ${LOAD}, clients: ${Math.min(64, input.clients)}, keys: ${input.keys}, mix: { put: ${OP_MIX.put}, get: ${OP_MIX.get}, cas: ${OP_MIX.cas} } }`,
  ];
  let lastOps = 0;
  const awaitOps = (ops: number, note: string): void => {
    const n = Math.max(lastOps, Math.round(ops));
    if (n >= 1 && n > lastOps) lines.push(`  - await: { load: ${LOAD}, ops: ${n}, within: ${AWAIT_WITHIN} }${note ? `  # ${note}` : ''}`);
    lastOps = Math.max(lastOps, n);
  };
  const faults = input.records ?? schedule.faults.map((p) => plannedAsRecord(p, rate, nodes));
  for (const f of faults) {
    const { start, undo } = steps(f, `f${f.index}`, nodes);
    if (start.length === 0) {
      lines.push(`  # fault ${f.index}: ${comment(f)} — nothing to replay`);
      continue;
    }
    awaitOps(f.startOps, `fault ${f.index} struck here (${(f.planned.atMs / 1000).toFixed(1)} s planned)`);
    lines.push(...start.map((s, i) => `  - ${s}${i === 0 ? `  # ${comment(f)}` : ''}`));
    awaitOps(f.endOps, '');
    lines.push(...undo.map((s) => `  - ${s}`));
  }
  lines.push(
    '  - heal',
    '  - await: { leader: elected, within: 20s }',
    `  - stop_load: ${LOAD}`,
    '  - check',
  );
  return `${lines.join('\n')}\n`;
}

/** The step(s) that start the fault and the step(s) that undo it. */
function steps(f: FaultRecord, v: string, nodes: readonly number[]): { start: string[]; undo: string[] } {
  const role = f.planned.role === 'any' ? 'random' : f.planned.role;
  const skipped = f.nodes.length === 0 && f.kind !== 'split';
  if (skipped) return { start: [], undo: [] };
  switch (f.kind) {
    case 'kill':
      return { start: [`kill: { target: ${role}, as: ${v} }`], undo: [`start: $${v}`] };
    case 'pause':
      return { start: [`pause: { target: ${role}, as: ${v} }`], undo: [`resume: $${v}`] };
    case 'isolate':
    case 'one-way':
      return { start: [`isolate: { target: ${role}, as: ${v} }`], undo: ['heal'] };
    case 'split': {
      const groups = f.groups ?? [];
      if (groups.length < 2) return { start: [], undo: [] };
      return { start: [`partition: ${q(groups.map((g) => g.join(',')).join(' '))}`], undo: ['heal'] };
    }
    case 'restart-all':
      return { start: [`kill: ${q(nodes.join(','))}`], undo: [`start: ${q(nodes.join(','))}`] };
  }
}

function comment(f: FaultRecord): string {
  const text = f.kind === 'one-way' ? `${f.label} (one-way in the original: scenarios cut both ways)` : f.label;
  return text.replace(/[\r\n]+/g, ' ');
}

/** A planned fault as if executed at its planned time at `rate` successful ops per second. */
function plannedAsRecord(p: PlannedFault, rate: number, nodes: readonly number[]): FaultRecord {
  const m = Math.max(1, Math.floor((nodes.length - 1) / 2));
  const minority = nodes.slice(0, m);
  return {
    index: p.index, kind: p.kind, planned: p, label: `planned: ${p.kind} (${p.role}${p.direction ? `, ${p.direction}` : ''})`,
    nodes: p.kind === 'restart-all' ? nodes.map((id) => `node-${id}`) : ['?'],
    ...(p.kind === 'split' ? { groups: [minority, nodes.filter((id) => !minority.includes(id))] } : {}),
    start: p.atMs, end: p.atMs + p.holdMs, startOps: (p.atMs / 1000) * rate, endOps: ((p.atMs + p.holdMs) / 1000) * rate, problems: [],
  };
}

/** A YAML double-quoted string (JSON strings are valid YAML). */
function q(s: string): string {
  return JSON.stringify(s);
}
