// How the supervisor starts a child process (an incarnation or a warm spare; child-process.ts):
// its own process group, the lifeline pipe on stdin, output piped, and a spawn failure reported as
// a reason rather than thrown from deep inside execa.
import { execa, type ResultPromise } from 'execa';
import type { ChildSpec } from './child-process.js';

export function launchChild(spec: ChildSpec, args: readonly string[]): ResultPromise {
  return execa(spec.command, [...args], {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: true,
    detached: true, // setsid(): own process group, so signals reach grandchildren too
    cleanup: false, // the lifeline, not an exit hook, ends children when we die
    stdin: 'pipe', // the lifeline: never written (but for a spare's one line), closed by the kernel when we die
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    encoding: 'buffer',
    forceKillAfterDelay: false,
    windowsHide: true,
  });
}

/** Resolves null once the process is spawned, or why it could not be. */
export function spawnedOrWhy(subprocess: ResultPromise): Promise<string | null> {
  // The result promise settles after stdio closes; never let it reject unhandled.
  const settled = subprocess.then((r) => r, (e: unknown) => e);
  return new Promise<string | null>((resolve) => {
    subprocess.once('spawn', () => resolve(null));
    subprocess.once('error', (err) => resolve(err.message));
    void settled.then((r) => {
      // execa reports a synchronous spawn failure only through its result.
      const res = r as { failed?: boolean; shortMessage?: string; message?: string };
      resolve(res.failed === true ? (res.shortMessage ?? res.message ?? 'spawn failed') : 'exited before spawn');
    });
  });
}
