// Number formatting shared by the progress line, the result text and bench-all's table.

/** 1234.5 → "1,235/s". */
export function formatRate(perSecond: number): string {
  return Number.isFinite(perSecond) ? `${Math.round(perSecond).toLocaleString('en-US')}/s` : '-';
}

/** Milliseconds with about three significant digits: "0.412 ms", "4.12 ms", "41.2 ms", "412 ms". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 100) return `${Math.round(ms).toLocaleString('en-US')} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(3)} ms`;
}

/** Bytes as MB (10^6), one decimal. */
export function formatMb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1e6).toFixed(1)} MB` : '-';
}

export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** "TIMEOUT×3 NO_QUORUM×1" or "none". */
export function formatErrors(errors: Record<string, number>): string {
  const parts = Object.entries(errors).map(([code, n]) => `${code}×${n}`);
  return parts.length === 0 ? 'none' : parts.join(' ');
}
