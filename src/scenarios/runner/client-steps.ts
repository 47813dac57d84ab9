// put / get / delete / cas steps: one request per endpoint per attempt, each recorded in the history
// (except stale reads, which are not linearizable by definition and would make `check` cry wolf).
//
// A wrong answer fails the attempt at once; it is never polled away: a read that returned a stale
// value is exactly the bug a scenario exists to catch. Waiting for convergence is `await`'s job, and
// a step that may need a second try says so with `retry`.

import type { CasStep, ClientOpBase, DeleteStep, ExpectedError, GetStep, PutStep } from '../types.js';
import { formatDuration } from '../duration.js';
import { proxyUrlOf, type RunState, type StepOutcome } from './run-state.js';
import { resolveTargets, row } from './resolve-targets.js';
import { pollUntil, remaining, RunnerBug, StepFailure, type Attempt } from './step-failure.js';

type ClientStep = PutStep | GetStep | DeleteStep | CasStep;

/** One endpoint's answer: a success with what it returned, or an error with its code. */
type Answer =
  | { readonly ok: true; readonly value?: string | null; readonly deleted?: boolean; readonly index?: number }
  | { readonly ok: false; readonly code: string; readonly status: number; readonly noAnswer: boolean; readonly text: string };

interface Endpoint {
  readonly name: string;
  readonly url: string;
}

export async function runClientStep(state: RunState, step: ClientStep, a: Attempt): Promise<StepOutcome> {
  const { endpoints, leader } = await resolveEndpoints(state, step, a);
  const answers = await Promise.all(endpoints.map(async (ep) => ({ ep, answer: await call(state, step, ep, a) })));
  const problems: string[] = [];
  for (const { ep, answer } of answers) {
    const problem = judge(step, answer);
    if (problem !== undefined) problems.push(endpoints.length > 1 || ep.name !== 'proxy' ? `${ep.name}: ${problem}` : problem);
  }
  if (problems.length > 0) throw new StepFailure(expectation(step, endpoints), problems.join('; '));
  const shown = answers.map(({ ep, answer }) => `${endpoints.length > 1 || ep.name !== 'proxy' ? `${ep.name} ` : ''}${describeAnswer(step, answer)}`);
  return { detail: shown.join(', '), acted: endpoints.map((e) => e.name), leader };
}

/** Where the request goes: the proxy unless `from`/`on` said otherwise; waits (within the deadline) for a role target to exist. */
async function resolveEndpoints(state: RunState, step: ClientStep, a: Attempt): Promise<{ endpoints: Endpoint[]; leader: string | undefined }> {
  const onlyProxy = step.endpoint.length === 1 && step.endpoint[0]?.kind === 'keyword' && step.endpoint[0].keyword === 'proxy';
  if (onlyProxy && state.proxyUrl !== undefined) return { endpoints: [{ name: 'proxy', url: state.proxyUrl }], leader: undefined };
  let out: { endpoints: Endpoint[]; leader: string | undefined } | undefined;
  const where = step.endpoint.map((t) => t.text).join(',');
  await pollUntil(a, `${where} to name a process that can be asked`, async () => {
    try {
      const status = await state.adapter.status();
      proxyUrlOf(state, status);
      const r = resolveTargets(step.endpoint, status, state.random, state.vars);
      const endpoints = r.names.map((name) => ({ name, url: row(status, name).url ?? '' })).filter((e) => e.url !== '');
      if (endpoints.length === 0) return { done: false, seen: `${where} has no address` };
      out = { endpoints, leader: r.leader };
      return { done: true, seen: '' };
    } catch (err) {
      if (err instanceof RunnerBug) throw err;
      return { done: false, seen: err instanceof Error ? err.message : String(err) };
    }
  });
  if (out === undefined) throw new RunnerBug('endpoints not resolved');
  return out;
}

/** Send the request, record it in the history, and turn the result into an Answer. */
async function call(state: RunState, step: ClientStep, ep: Endpoint, a: Attempt): Promise<Answer> {
  const kv = state.adapter.endpoint(ep.url);
  const timeoutMs = remaining(a);
  const recorded = !(step.kind === 'get' && step.consistency === 'stale');
  const client = state.history.nextClientId();
  let id: number | undefined;
  if (recorded) {
    const args = step.kind === 'put' ? { value: step.value } : step.kind === 'cas' ? { from: step.from, to: step.to } : {};
    id = state.history.invoke(client, step.kind, step.key, { ...args, node: ep.name });
    if (step.expectError !== undefined) state.expectedFailures.add(id);
  }
  try {
    let answer: Answer;
    switch (step.kind) {
      case 'put': {
        const r = await kv.put(step.key, step.value, { timeoutMs });
        answer = { ok: true, index: r.index };
        if (id !== undefined) state.history.ok(id, { node: ep.name });
        break;
      }
      case 'get': {
        const value = await kv.get(step.key, { consistency: step.consistency, timeoutMs });
        answer = { ok: true, value };
        if (id !== undefined) state.history.ok(id, { value, node: ep.name });
        break;
      }
      case 'delete': {
        const r = await kv.delete(step.key, { timeoutMs });
        answer = { ok: true, deleted: r.deleted };
        if (id !== undefined) state.history.ok(id, { deleted: r.deleted, node: ep.name });
        break;
      }
      case 'cas': {
        const r = await kv.cas(step.key, step.from, step.to, { timeoutMs });
        answer = { ok: true, index: r.index };
        if (id !== undefined) state.history.ok(id, { node: ep.name });
        break;
      }
    }
    return answer;
  } catch (err) {
    const e = err as { code?: unknown; status?: unknown; definite?: unknown; message?: unknown };
    const code = typeof e.code === 'string' ? e.code : 'ERROR';
    const status = typeof e.status === 'number' ? e.status : 0;
    if (id !== undefined) {
      if (e.definite === true) state.history.fail(id, err);
      else state.history.info(id, err);
    }
    // No HTTP answer before our deadline: the operation's fate is unknown and the step got no answer.
    const noAnswer = status === 0 && code === 'TIMEOUT';
    const text = noAnswer ? `no answer within ${formatDuration(step.within)}` : `error ${code}${status > 0 ? ` (${status})` : ''}: ${String(e.message ?? err)}`;
    return { ok: false, code, status, noAnswer, text };
  }
}

/** undefined when the answer meets the step; otherwise what was wrong with it. */
function judge(step: ClientStep, answer: Answer): string | undefined {
  if (step.expectError !== undefined) {
    if (answer.ok) return `it succeeded (${describeAnswer(step, answer)})`;
    if (answer.noAnswer) return answer.text;
    return matches(step.expectError, answer.code) ? undefined : answer.text;
  }
  if (!answer.ok) {
    if (step.allowError !== undefined && !answer.noAnswer && matches(step.allowError, answer.code)) return undefined;
    return answer.text;
  }
  switch (step.kind) {
    case 'get':
      if (step.expect === undefined || step.expect.value === answer.value) return undefined;
      return `read ${show(answer.value ?? null)}`;
    case 'delete':
      if (step.expectDeleted === undefined || step.expectDeleted === answer.deleted) return undefined;
      return answer.deleted === true ? 'deleted: true (the key existed)' : 'deleted: false (the key did not exist)';
    case 'put':
    case 'cas':
      return undefined;
  }
}

function matches(e: ExpectedError, code: string): boolean {
  return e.kind === 'any' || e.codes.includes(code);
}

/** The expectation, as the failure report's "expected" line. */
function expectation(step: ClientStep, endpoints: readonly Endpoint[]): string {
  const at = endpoints.length === 1 && endpoints[0]?.name === 'proxy' ? '' : ` from ${endpoints.map((e) => e.name).join(', ')}`;
  const within = ` within ${formatDuration(step.within)}`;
  if (step.expectError !== undefined) return `${opText(step)}${at} to fail with ${errorText(step.expectError)}${within}`;
  const orError = step.allowError !== undefined ? ` (or ${errorText(step.allowError)})` : '';
  switch (step.kind) {
    case 'get':
      if (step.expect === undefined) return `an answer to ${opText(step)}${at}${within}`;
      return `${opText(step)}${at} to read ${show(step.expect.value)}${orError}${within}`;
    case 'delete':
      return `${opText(step)}${at} acknowledged${step.expectDeleted === undefined ? '' : ` with deleted: ${step.expectDeleted}`}${orError}${within}`;
    case 'put':
    case 'cas':
      return `${opText(step)}${at} acknowledged${orError}${within}`;
  }
}

function opText(step: ClientStep): string {
  switch (step.kind) {
    case 'put': return `put ${step.key}=${show(step.value)}`;
    case 'get': return `get ${step.key}${step.consistency === 'stale' ? ' (stale)' : ''}`;
    case 'delete': return `delete ${step.key}`;
    case 'cas': return `cas ${step.key} ${show(step.from)} → ${show(step.to)}`;
  }
}

function errorText(e: ExpectedError): string {
  return e.kind === 'any' ? 'an error' : e.codes.join(' or ');
}

function describeAnswer(step: ClientOpBase & { kind: ClientStep['kind'] }, answer: Answer): string {
  if (!answer.ok) return answer.noAnswer ? answer.text : `refused with ${answer.code}`;
  switch (step.kind) {
    case 'get': return `read ${show(answer.value ?? null)}`;
    case 'delete': return `deleted: ${String(answer.deleted)}`;
    case 'put': case 'cas': return `committed at index ${answer.index ?? '?'}`;
  }
}

/** A value for people: quoted (cut when long), or `absent`. */
export function show(value: string | null): string {
  if (value === null) return 'absent';
  const q = JSON.stringify(value);
  return q.length <= 42 ? q : `${q.slice(0, 39)}…"`;
}
