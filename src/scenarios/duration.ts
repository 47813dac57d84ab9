// Durations in scenario files: `500ms`, `3s`, `1.5s`, `1m`, `1m30s`, `2h`, or a bare integer meaning
// milliseconds. Strict on purpose: `3 s`, `3sec` or `-1s` are mistakes worth a message, not guesses.

import type { DurationMs } from './types.js';

/** Longest accepted duration: one day (also keeps setTimeout far from its 2^31 ms limit). */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

/** Bare numbers below this are refused as ambiguous (see parseDuration). */
export const MIN_BARE_MS = 100;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;

/** Result of parsing: the value or why it is not a duration (phrased to follow "expected …, found …"). */
export type DurationResult = { ok: true; ms: DurationMs } | { ok: false; problem: string };

export const DURATION_EXPECTED = 'a duration like 500ms, 3s or 1m (or whole milliseconds as a number)';

/** Parse a YAML scalar (string or number) as a positive duration in whole milliseconds. */
export function parseDuration(value: string | number): DurationResult {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { ok: false, problem: `${value} (a bare number is whole milliseconds; write ${value}s if you meant seconds)` };
    // `within: 3` is almost always "3 seconds" said carelessly; 3ms is never a sensible deadline.
    if (value > 0 && value < MIN_BARE_MS) return { ok: false, problem: `${value} (a bare number is milliseconds; write ${value}s for seconds, or ${value}ms if you really mean it)` };
    return checkRange(value);
  }
  const text = value;
  if (/^\d+$/.test(text)) return { ok: false, problem: `a quoted number needs a unit: write ${text}ms or ${text}s` };
  if (text === '') return { ok: false, problem: 'an empty string' };
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  const seen = new Set<string>();
  let lastUnitMs = Infinity;
  let fractional = false;
  for (let m = PART.exec(text); m !== null; m = PART.exec(text)) {
    const [, num, unit] = m as unknown as [string, string, string];
    const unitMs = UNIT_MS[unit] as number;
    // `1m30s` is fine; `30s1m` or `1s1s` are typos.
    if (seen.has(unit) || unitMs >= lastUnitMs) return { ok: false, problem: `units out of order in "${text}" (write the largest first, e.g. 1m30s)` };
    seen.add(unit);
    lastUnitMs = unitMs;
    // Exact decimal arithmetic: 32.047 * 1000 is 32046.999999999996 in floating point.
    const [whole, frac = ''] = num.split('.') as [string, string?];
    const scale = 10n ** BigInt(frac.length);
    const scaled = BigInt(whole + frac) * BigInt(unitMs);
    if (scaled % scale !== 0n) fractional = true;
    total += Number(scaled / scale);
    consumed = PART.lastIndex;
  }
  if (consumed !== text.length || seen.size === 0) return { ok: false, problem: `"${text}"` };
  if (fractional) return { ok: false, problem: `"${text}" is not a whole number of milliseconds` };
  return checkRange(total);
}

function checkRange(ms: number): DurationResult {
  if (ms <= 0) return { ok: false, problem: `${ms}ms (a duration must be positive)` };
  if (ms > MAX_DURATION_MS) return { ok: false, problem: `${formatDuration(ms)} (the longest accepted is 24h)` };
  return { ok: true, ms };
}

/** Shortest readable rendering: 250ms, 3s, 1.5s, 2m, 1m30s. */
export function formatDuration(ms: DurationMs): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(3))}s`;
  const minutes = Math.floor(ms / 60_000);
  const rest = ms - minutes * 60_000;
  if (minutes >= 60 && rest === 0 && minutes % 60 === 0) return `${minutes / 60}h`;
  return rest === 0 ? `${minutes}m` : `${minutes}m${formatDuration(rest)}`;
}
