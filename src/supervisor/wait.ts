// Waiting for a condition with a deadline (never a fixed sleep standing in for a condition).

const POLL_MS = 20;

/**
 * Resolve true as soon as `condition()` holds, false once `timeoutMs` has passed without it.
 * `wake` (e.g. an exit promise) triggers an immediate re-check instead of waiting for the next poll.
 */
export function waitUntil(condition: () => boolean, timeoutMs: number, wake?: Promise<unknown>): Promise<boolean> {
  if (condition()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const deadline = Date.now() + timeoutMs;
    let done = false;
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(ok);
    };
    const check = (): void => {
      if (done) return;
      if (condition()) return finish(true);
      const left = deadline - Date.now();
      if (left <= 0) return finish(false);
      timer = setTimeout(check, Math.min(POLL_MS, left));
    };
    let timer = setTimeout(check, Math.min(POLL_MS, Math.max(0, timeoutMs)));
    void wake?.then(check, check);
  });
}
