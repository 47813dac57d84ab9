// The shapes shared by the recorder, the checkers and (later) the chaos report.
//
// The model is one register per key: its state is a string or null (absent). Each operation is one
// completed (or abandoned) client call. Every checker in this folder reads only these types.

/** The four client operations of the KV API (SPEC "Client HTTP API"). */
export type OpKind = 'put' | 'get' | 'delete' | 'cas';

/**
 * What happened to a call, using SPEC's definite/indefinite error split.
 * - ok: it took effect, with the recorded result.
 * - fail: a definite error; it certainly did not and will not take effect (removed before checking).
 * - info: an indefinite error (timeout, LEADERSHIP_LOST, connection reset after sending, or still
 *   pending when the history was taken); it may take effect at any time after `invoke`, or never.
 */
export type Outcome = 'ok' | 'fail' | 'info';

/**
 * One client operation in a history.
 *
 * Field meaning by kind (only when outcome is 'ok' unless said otherwise):
 * - put:    `value` is the value written (always set, whatever the outcome).
 * - get:    `value` is the value read; null means the key was absent (a 404 is an ok read of null).
 * - delete: `deleted` is the server's answer (true: the key existed). Undefined = not known, which
 *           the model treats as "removes the key, asserts nothing".
 * - cas:    `from` is the expected value (null = the key must not exist), `value` is `to`.
 *           Decision on mismatches: a 409 CAS mismatch is a *successful read*, not a failure: it is
 *           recorded with outcome 'ok' and `casFailed: true`, and the model treats it as a read that
 *           asserts `current !== from` and changes nothing. An ok cas without `casFailed` applied
 *           (asserts `current === from`, then sets `to`). An info cas applies iff current === from
 *           at the moment it takes effect, or never takes effect. A 'fail' cas did nothing.
 */
export interface Operation {
  /** Unique within a history; used in explanations ("op 17"). */
  id: number;
  /** Logical client; a client runs one operation at a time and is retired after an 'info'. */
  client: number;
  kind: OpKind;
  key: string;
  value?: string | null;
  from?: string | null;
  /** cas only: the server answered 409 (current !== from); see the type comment. */
  casFailed?: boolean;
  /** Monotonic time in ms (fractional allowed) when the call started. */
  invoke: number;
  /** Monotonic time in ms when the call returned; null (or Infinity) when never known ('info'). */
  complete: number | null;
  outcome: Outcome;
  /** delete: the server's `deleted` answer when ok. */
  deleted?: boolean;
  /** Who served it (node name or URL), for explanations and the report. */
  node?: string;
  /** For 'fail' / 'info': a one-line description of the error (code and message). */
  error?: string;
}

/** Verdict of `checkLinearizable`; 'unknown' means the deadline hit before every key was decided. */
export interface CheckResult {
  valid: true | false | 'unknown';
  /** Keys that received a verdict (linearizable or not) before the deadline. */
  keysChecked: number;
  elapsedMs: number;
  /** One entry per non-linearizable key. */
  failures: KeyFailure[];
  /** Keys left undecided because the deadline hit (empty unless valid is 'unknown' or false). */
  unknownKeys: string[];
}

/** Why one key's history cannot be linearized. */
export interface KeyFailure {
  key: string;
  /** One human line: the key, the op that cannot be placed, and what it conflicts with. */
  message: string;
  /** The first operation that cannot be placed after the longest linearizable prefix found. */
  op: Operation;
  /** The operations it conflicts with: the last write before it, writes concurrent with it, writers of the value it read. */
  conflicts: Operation[];
  /** The longest linearizable prefix the search found, in linearization order. */
  linearized: Operation[];
}

/** One acknowledged write that is neither visible at the end nor superseded. */
export interface LostWrite {
  key: string;
  op: Operation;
  /** The value every node agreed on at the end (null = absent). */
  final: string | null;
  message: string;
}
