// One error type for everything the supervisor refuses or cannot do, with a stable code. The CLI
// prints `.message` as one line and exits 2; the control API carries `{error: {code, message}}`.

export type SupervisorErrorCode =
  | 'USAGE' // bad flags or request body
  | 'TARGET' // a target that matches nothing
  | 'STATE' // an operation that makes no sense in a process's state (pause a stopped node)
  | 'PORT_IN_USE'
  | 'NOT_RUNNING' // no supervisor answers in the state dir
  | 'NOT_READY' // the cluster did not become ready in time
  | 'STARTUP_FAILED' // the supervisor or a child died while starting
  | 'INTERNAL';

/** HTTP status the control API uses for each code. */
export const SUPERVISOR_ERROR_STATUS: Readonly<Record<SupervisorErrorCode, number>> = {
  USAGE: 400,
  TARGET: 404,
  STATE: 409,
  PORT_IN_USE: 409,
  NOT_RUNNING: 503,
  NOT_READY: 503,
  STARTUP_FAILED: 500,
  INTERNAL: 500,
};

/** A refusal or environment problem, worded for the user: the CLI prints it and exits 2. */
export class SupervisorError extends Error {
  override readonly name = 'SupervisorError';
  constructor(readonly code: SupervisorErrorCode, message: string) {
    super(message);
  }
}

export function isSupervisorErrorCode(v: unknown): v is SupervisorErrorCode {
  return typeof v === 'string' && Object.hasOwn(SUPERVISOR_ERROR_STATUS, v);
}
