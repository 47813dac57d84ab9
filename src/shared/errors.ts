// The error vocabulary shared by nodes, the proxy and the client: one table of stable codes, each with
// its HTTP status, whether it is *definite* (the operation certainly did not and will not happen) and a
// message template. Every error a client can see is made from this table, so the JSON shape
// `{"error": {"code", "message", "definite", "leader"?}}` is identical on every node and on the proxy.

export interface ErrorSpec {
  readonly status: number;
  /** true: the operation certainly did not and will not happen; false: it may have happened. */
  readonly definite: boolean;
  /** Default message; `{name}` placeholders are filled from the params given to apiError(). */
  readonly message: string;
}

/** The table of stable error codes (SPEC "Errors"). Codes never change spelling once published. */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, definite: true, message: 'bad request: {detail}' },
  INVALID_KEY: { status: 400, definite: true, message: 'invalid key: {detail}' },
  INVALID_BODY: { status: 400, definite: true, message: 'invalid body: {detail}' },
  INVALID_QUERY: { status: 400, definite: true, message: 'invalid query: {detail}' },
  INVALID_HEADER: { status: 400, definite: true, message: 'invalid header: {detail}' },
  UNAUTHORIZED: { status: 401, definite: true, message: 'missing or wrong bearer token' },
  FORBIDDEN: { status: 403, definite: true, message: '{detail}' },
  KEY_NOT_FOUND: { status: 404, definite: true, message: 'key {key} not found' },
  NOT_FOUND: { status: 404, definite: true, message: 'no route {method} {url}' },
  METHOD_NOT_ALLOWED: { status: 405, definite: true, message: 'method {method} not allowed on {url}' },
  REQUEST_TIMEOUT: { status: 408, definite: true, message: 'the request was not received in time' },
  CAS_MISMATCH: { status: 409, definite: true, message: 'compare-and-set failed: key {key} does not hold the expected value' },
  VALUE_TOO_LARGE: { status: 413, definite: true, message: '{detail}' },
  PAYLOAD_TOO_LARGE: { status: 413, definite: true, message: 'request body larger than {limit} bytes' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, definite: true, message: 'body must be JSON (content-type: application/json), received {type}' },
  NOT_LEADER: { status: 421, definite: true, message: 'node {id} is not the leader{hint}' },
  NO_QUORUM: { status: 503, definite: true, message: '{detail}' },
  SHUTTING_DOWN: { status: 503, definite: true, message: 'the node is shutting down' },
  TIMEOUT: { status: 504, definite: false, message: '{detail}' },
  LEADERSHIP_LOST: { status: 503, definite: false, message: '{detail}' },
  SESSION_EXPIRED: { status: 409, definite: false, message: 'request seq {seq} of client {clientId} is older than the session window: it may or may not have been applied' },
  /** The request never reached the server (connection refused, connect timeout): nothing happened. */
  UNREACHABLE: { status: 503, definite: true, message: '{detail}' },
  /** The connection failed after the request may have been received: it may have happened. */
  CONNECTION_LOST: { status: 503, definite: false, message: '{detail}' },
  /** The server answered something that is not our JSON error shape. */
  BAD_RESPONSE: { status: 502, definite: false, message: '{detail}' },
  INTERNAL: { status: 500, definite: false, message: 'internal error: {detail}' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    definite: boolean;
    /** URL of the leader, when known (NOT_LEADER and some 503s). */
    leader?: string;
    /** CAS_MISMATCH: what the key holds now (null = absent). */
    current?: string | null;
  };
}

/** A protocol error on its way to the client: thrown in handlers, rendered by the error handler. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    readonly definite: boolean,
    message: string,
    readonly leader?: string,
    readonly current?: string | null,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message, definite: this.definite };
    if (this.leader !== undefined) error.leader = this.leader;
    if (this.current !== undefined) error.current = this.current;
    return { error };
  }
}

export interface ApiErrorOptions {
  readonly leader?: string | undefined;
  readonly current?: string | null | undefined;
  /** Overrides the table's message entirely. */
  readonly message?: string;
}

/** Builds an ApiError from the table; params fill the `{name}` placeholders of the template. */
export function apiError(code: ErrorCode, params: Record<string, string | number> = {}, opts: ApiErrorOptions = {}): ApiError {
  const spec: ErrorSpec = ERROR_CODES[code];
  const message = opts.message ?? spec.message.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
  return new ApiError(code, spec.status, spec.definite, message, opts.leader, opts.current);
}

/** True when `code` is one of ours (used when relaying errors received from a node). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}
