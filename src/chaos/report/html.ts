// Small helpers for building the report's markup as strings (no DOM on the server side).

/** Escape text for HTML/SVG content and attribute values. */
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A number for an SVG coordinate: one decimal, no "-0". */
export function n1(x: number): string {
  const r = Math.round(x * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

/** A value as the report shows it: quoted, or "absent". */
export function showValue(v: string | null | undefined): string {
  return v == null ? 'absent' : JSON.stringify(v);
}

/** Seconds with two decimals ("12.34 s"), or "—". */
export function secs(ms: number | null | undefined): string {
  return ms == null || !Number.isFinite(ms) ? '—' : `${(ms / 1000).toFixed(2)} s`;
}
