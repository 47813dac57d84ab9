// The one error type the client library throws: every failure (an error answer from a node or the
// proxy, a refused connection, a timeout) becomes a KvError with the same fields as the JSON error
// shape, so callers branch on `code` and `definite` and never parse messages.
import { ERROR_CODES, isErrorCode } from '../shared/index.js';
import type { ErrorBody, ErrorCode } from '../shared/index.js';

export class KvError extends Error {
  override readonly name = 'KvError';
  constructor(
    /** A code from the shared table (or the server's code verbatim if it is not one of ours). */
    readonly code: string,
    /** HTTP status; 0 when no HTTP answer was received. */
    readonly status: number,
    /** true: the operation certainly did not happen. */
    readonly definite: boolean,
    message: string,
    /** Leader URL hint (NOT_LEADER). */
    readonly leader?: string,
    /** CAS_MISMATCH: the key's current value (null = absent). */
    readonly current?: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The JSON error body this error was made from (for relaying by the proxy). */
  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message, definite: this.definite };
    if (this.leader !== undefined) error.leader = this.leader;
    if (this.current !== undefined) error.current = this.current;
    return { error };
  }

  /** The status to relay: the server's, or the table's for errors made locally. */
  get httpStatus(): number {
    if (this.status !== 0) return this.status;
    return isErrorCode(this.code) ? ERROR_CODES[this.code].status : 503;
  }
}

/** Makes a KvError from a table code (for failures detected on the client side). */
export function localError(code: ErrorCode, message: string, cause?: unknown): KvError {
  return new KvError(code, 0, ERROR_CODES[code].definite, message, undefined, undefined, { cause });
}

/** Parses an error answer; anything that is not our shape becomes BAD_RESPONSE (indefinite). */
export function errorFromAnswer(status: number, text: string, url: string): KvError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const e = (parsed as { error?: unknown } | undefined)?.error as Record<string, unknown> | undefined;
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string') {
    const definite = typeof e.definite === 'boolean' ? e.definite : status < 500;
    const leader = typeof e.leader === 'string' ? e.leader : undefined;
    const current = typeof e.current === 'string' || e.current === null ? (e.current as string | null) : undefined;
    return new KvError(e.code, status, definite, e.message, leader, current);
  }
  // A 4xx the server's HTTP parser produced itself (431, 400 from a malformed request) is definite.
  const definite = status >= 400 && status < 500;
  const preview = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return new KvError('BAD_RESPONSE', status, definite, `${url} answered ${status}: ${preview || '(empty body)'}`);
}
