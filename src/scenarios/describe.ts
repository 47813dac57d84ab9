// One-line titles for checklist rows ("kill leader", "await leader elected within 3s"), used when a
// step has no `name:`. Written from the normalised step, so they read the same however the YAML was spelled.

import { formatDuration } from './duration.js';
import type { AwaitCondition, ExpectedError, Step, Target } from './types.js';

/** "put data1=hola", "get data1 from followers → hola", "kill leader", … */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'put':
      return withError(`put ${step.key}=${show(step.value)}${via(step.endpoint)}`, step.expectError, step.within, step.allowError);
    case 'get': {
      const c = step.consistency === 'stale' ? ' (stale)' : '';
      const expect = step.expect === undefined ? '' : step.expect.value === null ? ' → absent' : ` → ${show(step.expect.value)}`;
      return withError(`get ${step.key}${via(step.endpoint)}${c}${expect}`, step.expectError, step.within, step.allowError);
    }
    case 'delete': {
      const d = step.expectDeleted === undefined ? '' : step.expectDeleted ? ' (existed)' : ' (absent)';
      return withError(`delete ${step.key}${via(step.endpoint)}${d}`, step.expectError, step.within, step.allowError);
    }
    case 'cas':
      return withError(`cas ${step.key} ${step.from === null ? 'absent' : show(step.from)} → ${show(step.to)}${via(step.endpoint)}`, step.expectError, step.within, step.allowError);
    case 'kill':
      return `kill ${targets(step.targets)}${step.signal !== undefined && step.signal !== 'SIGKILL' ? ` (${step.signal})` : ''}`;
    case 'start': case 'stop': case 'restart': case 'pause': case 'resume': case 'isolate':
      return `${step.kind} ${targets(step.targets)}`;
    case 'partition':
      return `partition ${step.groups.map(targets).join(' | ')}`;
    case 'heal':
      return 'heal all links';
    case 'await':
      return `await ${describeCondition(step.condition)} within ${formatDuration(step.within)}`;
    case 'load': {
      const limit = step.limit.kind === 'duration' ? ` for ${formatDuration(step.limit.ms)}` : step.limit.kind === 'ops' ? ` for ${step.limit.count} ops` : '';
      return `load ${step.name}: ${step.clients} clients on ${step.keys.length} keys${limit} in the background`;
    }
    case 'stop_load':
      return `stop load ${step.loads.join(', ')}`;
    case 'check':
      return `check ${step.checks.join(' and ').replace(/_/g, ' ')}`;
  }
}

function describeCondition(c: AwaitCondition): string {
  switch (c.kind) {
    case 'leader-elected': return 'leader elected';
    case 'leader-changed': return 'a new leader (not $leader)';
    case 'leader-none': return 'no leader';
    case 'caught-up': return `${targets(c.nodes)} caught up`;
    case 'key-value': return `${c.key} = ${c.value === null ? 'absent' : show(c.value)} on ${targets(c.on)}`;
    case 'load-done': return `load ${c.load} finished`;
    case 'load-progress': return `load ${c.load} at ${c.ops} successful ops`;
  }
}

function targets(list: readonly Target[]): string {
  return list.map((t) => t.text).join(',');
}

function via(endpoint: readonly Target[]): string {
  const t = targets(endpoint);
  return t === 'proxy' ? '' : ` from ${t}`;
}

function withError(text: string, e: ExpectedError | undefined, within: number, allowed?: ExpectedError): string {
  if (allowed !== undefined) return `${text} (or ${allowed.kind === 'any' ? 'an error' : allowed.codes.join('/')})`;
  if (e === undefined) return text;
  const codes = e.kind === 'any' ? 'an error' : e.codes.join(' or ');
  return `${text} fails with ${codes} within ${formatDuration(within)}`;
}

/** Values shown in titles: short ones as-is, long ones cut. */
function show(value: string): string {
  const flat = JSON.stringify(value).slice(1, -1);
  return flat.length <= 24 ? flat : `${flat.slice(0, 21)}…`;
}
