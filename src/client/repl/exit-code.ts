// Exit codes of the one-shot commands and of a piped REPL session (documented in `--help`):
//   0  success (a `get` found the key, a write was applied, `del` of a missing key included)
//   1  the operation definitely failed as asked: key not found on `get`, CAS mismatch, no leader
//   2  usage or environment: bad input, cluster unreachable or without leader until the deadline,
//      an outcome that is not known (the write may or may not have been applied), cancelled
import type { KvOutcome } from './kv-ops.js';

export type ExitCode = 0 | 1 | 2;

export const EXIT_OK: ExitCode = 0;
export const EXIT_FAILED: ExitCode = 1;
export const EXIT_USAGE: ExitCode = 2;

/** The exit code one KV outcome stands for. */
export function exitCodeOf(o: KvOutcome): ExitCode {
  if (o.ok) return o.result.kind === 'get' && o.result.value === null ? EXIT_FAILED : EXIT_OK;
  if (!o.uncertain && (o.error.code === 'CAS_MISMATCH' || o.error.code === 'KEY_NOT_FOUND')) return EXIT_FAILED;
  return EXIT_USAGE;
}

/** The worse of two codes (2 beats 1 beats 0). */
export function worse(a: ExitCode, b: ExitCode): ExitCode {
  return a >= b ? a : b;
}
