// HistoryRecorder: clients report invoke / ok / fail / info; the recorder turns that into a history.
//
// Rules it enforces (misuse throws — these are programmer errors):
// - a client runs one operation at a time (the checker's real-time order is per call, but a
//   "client" in a report must mean one sequential actor);
// - a client whose operation ended in 'info' is retired: its operation may still take effect at any
//   time, so it can never be "finished" and the client must be replaced (`nextClientId()`).
// SPEC's error split maps onto outcomes: definite errors → fail, indefinite → info; two definite
// answers are really successful reads and are recorded as ok: a 404 on get (value null) and a 409
// on cas (casFailed: true). Operations still pending when the history is taken count as 'info'.
import { historyToJsonl } from './history-jsonl.js';
import type { OpKind, Operation } from './types.js';

/** Arguments of a call: put needs `value`; cas needs `from` (string or null) and `to`. */
export interface InvokeArgs {
  value?: string;
  from?: string | null;
  to?: string;
  node?: string;
}

/** What an ok call returned: get → `value` (null = absent), delete → `deleted`, cas mismatch → `casFailed`. */
export interface OkResult {
  value?: string | null;
  deleted?: boolean;
  casFailed?: boolean;
  node?: string;
}

export interface RecorderOptions {
  /** Monotonic milliseconds; default performance.now. */
  clock?: () => number;
}

const KINDS: readonly OpKind[] = ['put', 'get', 'delete', 'cas'];

export class HistoryRecorder {
  private readonly clock: () => number;
  private readonly ops: Operation[] = [];
  private readonly done = new Set<number>();
  private readonly inFlight = new Map<number, number>(); // client → op id
  private readonly retiredBy = new Map<number, number>(); // client → the info op that retired it
  private maxClient = -1;

  constructor(opts: RecorderOptions = {}) {
    this.clock = opts.clock ?? (() => performance.now());
  }

  /** Records the start of a call and returns its op id. */
  invoke(client: number, kind: OpKind, key: string, args: InvokeArgs = {}): number {
    if (!Number.isInteger(client) || client < 0) throw new TypeError(`client must be an integer >= 0, got ${String(client)}`);
    if (!KINDS.includes(kind)) throw new TypeError(`kind must be one of ${KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
    if (typeof key !== 'string') throw new TypeError(`key must be a string, got ${typeof key}`);
    const busy = this.inFlight.get(client);
    if (busy !== undefined) throw new Error(`client ${client} already has operation ${busy} in flight; a client runs one operation at a time`);
    const retired = this.retiredBy.get(client);
    if (retired !== undefined) {
      throw new Error(`client ${client} was retired after the indefinite operation ${retired}; use a new client (nextClientId())`);
    }
    const op: Operation = { id: this.ops.length, client, kind, key, invoke: this.clock(), complete: null, outcome: 'info' };
    if (kind === 'put') {
      if (typeof args.value !== 'string') throw new TypeError(`put needs args.value (a string), got ${typeof args.value}`);
      op.value = args.value;
    } else if (kind === 'cas') {
      if (typeof args.to !== 'string') throw new TypeError(`cas needs args.to (a string), got ${typeof args.to}`);
      if (args.from !== null && typeof args.from !== 'string') throw new TypeError(`cas needs args.from (a string or null), got ${typeof args.from}`);
      op.from = args.from;
      op.value = args.to;
    }
    if (args.node !== undefined) op.node = args.node;
    this.ops.push(op);
    this.inFlight.set(client, op.id);
    this.maxClient = Math.max(this.maxClient, client);
    return op.id;
  }

  /** The call succeeded with `result` (see OkResult; an ok get must give `value`). */
  ok(id: number, result: OkResult = {}): void {
    // Validate before completing, so a rejected call leaves the operation in flight.
    if (this.peek(id).kind === 'get' && result.value !== null && typeof result.value !== 'string') {
      throw new TypeError(`ok get (op ${id}) needs result.value (a string, or null for absent), got ${typeof result.value}`);
    }
    const op = this.finish(id, 'ok');
    if (op.kind === 'get') op.value = result.value;
    if (op.kind === 'delete' && typeof result.deleted === 'boolean') op.deleted = result.deleted;
    if (op.kind === 'cas' && result.casFailed === true) op.casFailed = true;
    if (result.node !== undefined) op.node = result.node;
  }

  /**
   * A definite error: the call certainly did not and will not take effect. Two definite answers are
   * results, not failures, and are recorded as ok: 404 on a get (absent) and 409 on a cas (mismatch).
   */
  fail(id: number, err?: unknown): void {
    const op = this.peek(id);
    const status = statusOf(err);
    if (op.kind === 'get' && (status === 404 || codeOf(err) === 'NOT_FOUND' || codeOf(err) === 'KEY_NOT_FOUND')) {
      this.ok(id, { value: null });
      return;
    }
    if (op.kind === 'cas' && (status === 409 || codeOf(err) === 'CAS_MISMATCH')) {
      this.ok(id, { casFailed: true });
      return;
    }
    this.finish(id, 'fail').error = describeError(err);
  }

  /** An indefinite error: the call may have taken effect, now or later. Retires the client. */
  info(id: number, err?: unknown): void {
    const op = this.finish(id, 'info');
    op.complete = null;
    op.error = describeError(err);
    this.retiredBy.set(op.client, id);
  }

  /** True once a client's operation ended in 'info'. */
  isRetired(client: number): boolean {
    return this.retiredBy.has(client);
  }

  /** A client id never used before (to replace a retired client). */
  nextClientId(): number {
    return ++this.maxClient;
  }

  /** A copy of the history in invoke order; calls still in flight appear as 'info' (outcome unknown). */
  operations(): Operation[] {
    return this.ops.map((op) => (this.done.has(op.id) ? { ...op } : { ...op, outcome: 'info', complete: null, error: 'pending when the history was taken' }));
  }

  /** history.jsonl text (see parseHistoryJsonl). */
  toJsonl(): string {
    return historyToJsonl(this.operations());
  }

  private peek(id: number): Operation {
    const op = Number.isInteger(id) ? this.ops[id] : undefined;
    if (!op) throw new Error(`unknown operation id ${String(id)}`);
    if (this.done.has(id)) throw new Error(`operation ${id} already completed as ${op.outcome}`);
    return op;
  }

  private finish(id: number, outcome: Operation['outcome']): Operation {
    const op = this.peek(id);
    op.outcome = outcome;
    op.complete = this.clock();
    this.done.add(id);
    this.inFlight.delete(op.client);
    return op;
  }
}

function field(err: unknown, name: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[name] : undefined;
}

/** HTTP status from an error object (`status` or `statusCode`), if any. */
function statusOf(err: unknown): number | undefined {
  const s = field(err, 'status') ?? field(err, 'statusCode');
  return typeof s === 'number' ? s : undefined;
}

/** Error code from `code` or an SPEC error body `{error: {code}}`. */
function codeOf(err: unknown): string | undefined {
  const c = field(err, 'code') ?? field(field(err, 'error'), 'code');
  return typeof c === 'string' ? c : undefined;
}

function describeError(err: unknown): string {
  if (err === undefined) return 'unknown error';
  if (typeof err === 'string') return err;
  const code = codeOf(err);
  const status = statusOf(err);
  const msg = field(err, 'message') ?? field(field(err, 'error'), 'message');
  const parts = [status !== undefined ? String(status) : undefined, code, typeof msg === 'string' ? msg : undefined].filter(Boolean);
  return parts.length ? parts.join(' ') : String(err);
}
