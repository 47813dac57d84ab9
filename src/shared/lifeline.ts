// The lifeline: how a child notices that its supervisor is gone, however it died.
//
// The supervisor spawns every child with stdin as a pipe it never writes to and never closes.
// When the supervisor process ends — cleanly, by an exception, or by SIGKILL — the kernel closes
// its end of the pipe and the child's stdin reads EOF. No heartbeat, no polling of the parent
// pid (which init may already have taken over), no cooperation needed from the dying process.
// This is what lets `raft-sup` promise "no orphans" even for `kill -9 <supervisor>`.
//
// Limits (documented, not fixable from inside the child):
// - A SIGSTOPped child cannot run any code, so it only notices the EOF once continued (SIGCONT).
//   That is why the supervisor's stop/down sends SIGCONT before SIGTERM.
// - Only pass `--lifeline` when stdin is the supervisor's pipe: started by hand at a terminal it
//   would exit on Ctrl+D, and with stdin from /dev/null it would exit immediately.
// - The pipe must not leak into unrelated processes (it would keep the write end open). Node and
//   libuv mark it close-on-exec and only hand it to the one child, so siblings never hold it.

/** The flag the node/proxy mains accept to call watchLifeline(). */
export const LIFELINE_FLAG = '--lifeline';

/** Hard deadline between losing the lifeline and exiting, leaving margin under the 2 s promise. */
export const DEFAULT_LIFELINE_GRACE_MS = 1500;

export interface LifelineOptions {
  /** Graceful cleanup (close servers, flush logs); cut short after `graceMs`. */
  onLost?: (reason: string) => void | Promise<void>;
  /** Default DEFAULT_LIFELINE_GRACE_MS. */
  graceMs?: number;
  /** Exit code once the lifeline is lost; default 0 (nobody is left to read it). */
  exitCode?: number;
  /** Injection points for tests; default process.stdin / process.stdout / process.stderr / process.exit. */
  stdin?: NodeJS.ReadableStream;
  outputs?: readonly NodeJS.EventEmitter[];
  exit?: (code: number) => void;
}

/**
 * Exit within `graceMs` once stdin reaches EOF, closes or errors, or once writing our own output
 * fails with EPIPE (the reader — the supervisor — is gone). Returns a function that stops watching.
 */
export function watchLifeline(options: LifelineOptions = {}): () => void {
  const graceMs = options.graceMs ?? DEFAULT_LIFELINE_GRACE_MS;
  if (!Number.isFinite(graceMs) || graceMs < 0) throw new RangeError(`watchLifeline graceMs: expected a number >= 0, got ${String(graceMs)}`);
  const stdin = options.stdin ?? process.stdin;
  const outputs: readonly NodeJS.EventEmitter[] = options.outputs ?? [process.stdout, process.stderr];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const exitCode = options.exitCode ?? 0;
  let fired = false;

  const lost = (reason: string): void => {
    if (fired) return;
    fired = true; // listeners stay attached (as no-ops) so late stream errors stay handled
    let exited = false;
    const finish = (): void => {
      if (exited) return;
      exited = true;
      clearTimeout(hard);
      exit(exitCode);
    };
    // Not unref'd on purpose: this timer is the guarantee when onLost hangs.
    const hard = setTimeout(finish, graceMs);
    if (options.onLost === undefined) return finish();
    let result: void | Promise<void>;
    try {
      result = options.onLost(reason);
    } catch {
      return finish();
    }
    void Promise.resolve(result).then(finish, finish);
  };

  const onEnd = (): void => lost('stdin reached EOF (supervisor gone)');
  const onClose = (): void => lost('stdin closed (supervisor gone)');
  const onInError = (): void => lost('stdin failed (supervisor gone)');
  const onData = (): void => undefined; // the supervisor never writes; drain just in case
  const onOutError = (err: unknown): void => {
    const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
    if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') lost('output pipe broken (supervisor gone)');
    // Other output errors are not ours to swallow silently, but must not crash a node either.
  };

  stdin.on('end', onEnd);
  stdin.on('close', onClose);
  stdin.on('error', onInError);
  stdin.on('data', onData);
  for (const out of outputs) out.on('error', onOutError);
  stdin.resume();

  function dispose(): void {
    stdin.off('end', onEnd);
    stdin.off('close', onClose);
    stdin.off('error', onInError);
    stdin.off('data', onData);
    for (const out of outputs) out.off('error', onOutError);
  }
  return () => {
    if (fired) return;
    dispose();
    stdin.pause();
  };
}
