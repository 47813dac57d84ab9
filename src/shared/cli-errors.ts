// Errors that the CLI reports as one line and exit code 2 (bad flags, bad files, environment).
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A check failed (scenario step, chaos verdict): exit code 1. */
export class CheckFailedError extends Error {
  override readonly name = 'CheckFailedError';
}
