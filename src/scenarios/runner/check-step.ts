// `check`: judge the run's history. First wait (within the step's deadline) for loads that end by
// themselves, then:
// - linearizable: every key's history is linearizable (src/check; 'unknown' fails: a check that
//   could not decide proves nothing);
// - no_lost_writes: read the final value of every key written, through the proxy, and demand every
//   acknowledged write is that value or was superseded;
// - no_failed_writes: every write got an answer other than an error (steps that demanded an error
//   are not counted).

import { checkLinearizable, checkLostWrites, describeOp, type Operation } from '../../check/index.js';
import type { CheckName, CheckStep } from '../types.js';
import { formatDuration } from '../duration.js';
import { proxyUrlOf, type RunState, type StepOutcome } from './run-state.js';
import { checkInterrupted, pause, pollUntil, remaining, StepFailure, type Attempt } from './step-failure.js';

/** At most this many failures are spelled out in the report; the count says how many more. */
const SHOW_FAILURES = 3;

export async function runCheck(state: RunState, step: CheckStep, a: Attempt): Promise<StepOutcome> {
  const bounded = [...state.loads.values()].filter((l) => l.bounded && !l.finished);
  if (bounded.length > 0) {
    await pollUntil(a, `load ${bounded.map((l) => l.name).join(', ')} to finish before checking`, () =>
      Promise.resolve({ done: bounded.every((l) => l.finished), seen: bounded.map((l) => l.describe()).join('; ') }));
  }
  const ops = state.history.operations();
  const details: string[] = [];
  for (const check of step.checks) {
    checkInterrupted(a);
    a.progress(`checking ${check.replace(/_/g, ' ')} over ${ops.length} operations`);
    details.push(await CHECKS[check](state, ops, a));
  }
  return { detail: details.join('; '), acted: [], leader: undefined };
}

const CHECKS: Readonly<Record<CheckName, (state: RunState, ops: readonly Operation[], a: Attempt) => Promise<string>>> = {
  linearizable(state, ops, a) {
    const r = checkLinearizable(ops, { timeoutMs: remaining(a), initial: state.initial });
    if (r.valid === true) return Promise.resolve(`linearizable: ${ops.length} operations on ${r.keysChecked} keys`);
    if (r.valid === 'unknown') {
      throw new StepFailure('a linearizability verdict', `undecided after ${formatDuration(r.elapsedMs)} for keys ${r.unknownKeys.join(', ')} (raise the step's \`within\`)`);
    }
    const shown = r.failures.slice(0, SHOW_FAILURES).map((f) => f.message);
    const more = r.failures.length > SHOW_FAILURES ? ` (and ${r.failures.length - SHOW_FAILURES} more keys)` : '';
    throw new StepFailure('every key\'s history to be linearizable', `${shown.join(' | ')}${more}`);
  },

  async no_lost_writes(state, ops, a) {
    const keys = [...new Set(ops.filter((o) => o.kind !== 'get').map((o) => o.key))].sort();
    const finals = await readFinalValues(state, keys, a);
    const r = checkLostWrites(ops, finals);
    if (r.ok) return `no lost writes: ${keys.length} keys read back`;
    const shown = r.lost.slice(0, SHOW_FAILURES).map((l) => l.message);
    const more = r.lost.length > SHOW_FAILURES ? ` (and ${r.lost.length - SHOW_FAILURES} more)` : '';
    throw new StepFailure('every acknowledged write to be readable (or superseded)', `${r.lost.length} lost: ${shown.join(' | ')}${more}`);
  },

  no_failed_writes(state, ops) {
    const failed = ops.filter((o) => o.kind !== 'get' && o.outcome !== 'ok' && !state.expectedFailures.has(o.id));
    const writes = ops.filter((o) => o.kind !== 'get').length;
    if (failed.length === 0) return Promise.resolve(`no failed writes among ${writes}`);
    const shown = failed.slice(0, SHOW_FAILURES).map((o) => `${o.key}: ${describeOp(o)} (op ${o.id}${o.node ? ` via ${o.node}` : ''}): ${o.error ?? o.outcome}`);
    const more = failed.length > SHOW_FAILURES ? ` (and ${failed.length - SHOW_FAILURES} more)` : '';
    return Promise.reject(new StepFailure(`every one of the ${writes} writes to succeed`, `${failed.length} failed: ${shown.join(' | ')}${more}`));
  },
};

/** Linearizable reads through the proxy, each retried until it answers or the deadline passes. */
async function readFinalValues(state: RunState, keys: readonly string[], a: Attempt): Promise<Map<string, string | null>> {
  const url = state.proxyUrl ?? proxyUrlOf(state, await state.adapter.status());
  if (url === undefined) throw new StepFailure('a proxy to read the final values through', 'the cluster has no proxy');
  const kv = state.adapter.endpoint(url);
  const finals = new Map<string, string | null>();
  const queue = [...keys];
  const failures = new Map<string, string>();
  const worker = async (): Promise<void> => {
    for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
      for (;;) {
        checkInterrupted(a);
        try {
          finals.set(key, await kv.get(key, { timeoutMs: Math.min(remaining(a), 6_000) }));
          break;
        } catch (err) {
          failures.set(key, err instanceof Error ? err.message : String(err));
          if (Date.now() + 100 > a.deadline) return;
          await pause(100, a.signal);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, keys.length) }, worker));
  const missing = keys.filter((k) => !finals.has(k));
  if (missing.length > 0) {
    const first = missing[0] ?? '';
    throw new StepFailure(`the final value of every written key (${keys.length})`, `${missing.length} keys unreadable, e.g. ${first}: ${failures.get(first) ?? 'no answer'}`);
  }
  return finals;
}
