// Executes one KV command against the cluster (with retries) and describes what happened as a
// value: the result or the error, who served it, the latency and whether a write may have
// happened after all. Rendering and exit codes are decided elsewhere from this value.
import { KvError, localError } from '../index.js';
import { keyProblem, valueProblem } from '../../shared/index.js';
import type { CasAnswer, DeleteAnswer, GetAnswer, PutAnswer } from '../../shared/index.js';
import { HttpCaller, servedByOf } from './http-call.js';
import type { CallAnswer } from './http-call.js';
import type { KvCommand } from './parse-command.js';
import { withRetries } from './retry.js';

export type KvResult =
  | { readonly kind: 'put'; readonly index: number }
  | { readonly kind: 'get'; readonly value: string | null }
  | { readonly kind: 'del'; readonly deleted: boolean; readonly index: number | undefined }
  | { readonly kind: 'cas'; readonly index: number };

interface OutcomeBase {
  readonly command: KvCommand;
  /** `x-served-by` when the server sends it, otherwise the base URL the answer came from. */
  readonly servedBy: string;
  readonly latencyMs: number;
  readonly attempts: number;
}

export type KvOutcome =
  | (OutcomeBase & { readonly ok: true; readonly result: KvResult })
  | (OutcomeBase & {
      readonly ok: false;
      readonly error: KvError;
      /** The deadline ended the retries of a transient failure. */
      readonly gaveUp: boolean;
      /** A write that may or may not have been applied. */
      readonly uncertain: boolean;
      readonly deadlineMs: number;
    });

/** What a command needs to talk to the cluster. */
export interface KvSession {
  readonly caller: HttpCaller;
  readonly url: string;
  readonly deadlineMs: number;
  /** Identifies this client's session for exactly-once writes (x-client-id). */
  readonly clientId: string;
  /** The next x-request-seq (one per write, shared by all its retries). */
  nextSeq(): number;
}

/** Runs `command`; never throws for cluster trouble (only for programmer errors). */
export async function runKv(session: KvSession, command: KvCommand, signal?: AbortSignal): Promise<KvOutcome> {
  const local = localProblem(command);
  if (local !== undefined) {
    return { ok: false, command, error: local, servedBy: '-', latencyMs: 0, attempts: 0, gaveUp: false, uncertain: false, deadlineMs: session.deadlineMs };
  }
  const write = command.kind !== 'get';
  const headers: Record<string, string> = {};
  if (write) {
    headers['x-client-id'] = session.clientId;
    headers['x-request-seq'] = String(session.nextSeq());
  }
  const path = `/kv/${encodeURIComponent(command.key)}`;
  const attempt = async (base: string, timeoutMs: number): Promise<CallAnswer<unknown>> => {
    const init = { headers, timeoutMs, signal };
    switch (command.kind) {
      case 'put':
        return session.caller.call<PutAnswer>(base, { ...init, method: 'PUT', path, body: { value: command.value } });
      case 'get':
        return session.caller.call<GetAnswer>(base, { ...init, method: 'GET', path: command.stale ? `${path}?consistency=stale` : path });
      case 'del':
        return session.caller.call<DeleteAnswer>(base, { ...init, method: 'DELETE', path });
      case 'cas':
        return session.caller.call<CasAnswer>(base, { ...init, method: 'POST', path: `${path}/cas`, body: { from: command.from, to: command.to } });
    }
  };
  const r = await withRetries(session.url, attempt, { deadlineMs: session.deadlineMs, signal });
  const base = { command, latencyMs: r.elapsedMs, attempts: r.attempts };
  if (r.value !== undefined) {
    return { ...base, ok: true, result: toResult(command, r.value.body), servedBy: r.value.servedBy ?? r.url };
  }
  const error = r.error as KvError;
  const servedBy = servedByOf(error) ?? r.url;
  // Not found is an answer to a read, not a failure of it.
  if (command.kind === 'get' && error.code === 'KEY_NOT_FOUND') {
    return { ...base, ok: true, result: { kind: 'get', value: null }, servedBy };
  }
  const uncertain = write && (!error.definite || r.indefiniteSeen);
  return { ...base, ok: false, error, servedBy, gaveUp: r.gaveUp, uncertain, deadlineMs: session.deadlineMs };
}

function toResult(command: KvCommand, body: unknown): KvResult {
  const b = (body ?? {}) as Record<string, unknown>;
  const index = typeof b.index === 'number' ? b.index : undefined;
  switch (command.kind) {
    case 'put':
      return { kind: 'put', index: index ?? -1 };
    case 'get':
      return { kind: 'get', value: typeof b.value === 'string' ? b.value : null };
    case 'del':
      return { kind: 'del', deleted: b.deleted === true, index };
    case 'cas':
      return { kind: 'cas', index: index ?? -1 };
  }
}

/** Checks keys and values before sending, with the same rules as the nodes (SPEC limits). */
function localProblem(command: KvCommand): KvError | undefined {
  const kp = keyProblem(command.key);
  if (kp !== undefined) return localError('INVALID_KEY', `invalid key: ${kp}`);
  const values: [string, string | null][] = command.kind === 'put' ? [['value', command.value]]
    : command.kind === 'cas' ? [['from', command.from], ['to', command.to]] : [];
  for (const [field, v] of values) {
    if (v === null) continue;
    const vp = valueProblem(v, field);
    if (vp !== undefined) return localError(vp.tooLarge ? 'VALUE_TOO_LARGE' : 'INVALID_BODY', vp.detail);
  }
  return undefined;
}
