// `--timeout` values: `5s`, `1500ms`, `1m`, or whole milliseconds as a bare number (as in scenarios).

/** Milliseconds, or a message that says what was expected and what was received. */
export function parseTimeout(text: string): { ok: true; ms: number } | { ok: false; problem: string } {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/u.exec(text.trim());
  const expected = 'expected a duration like 5s, 1500ms or 1m';
  if (m === null) return { ok: false, problem: `${expected}, received ${JSON.stringify(text)}` };
  const n = Number(m[1]);
  const ms = Math.round(m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n);
  if (!(ms > 0)) return { ok: false, problem: `${expected} greater than zero, received ${JSON.stringify(text)}` };
  if (ms > 3_600_000) return { ok: false, problem: `${expected} of at most 1h, received ${JSON.stringify(text)}` };
  return { ok: true, ms };
}
