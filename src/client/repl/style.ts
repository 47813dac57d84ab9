// Colours for the REPL's answers: only on a terminal, never when NO_COLOR is set (no-color.org), so
// piped output and logs stay plain text.

export interface Style {
  readonly enabled: boolean;
  ok(text: string): string;
  fail(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  key(text: string): string;
}

const paint = (code: string) => (text: string): string => `\u001b[${code}m${text}\u001b[0m`;
const plain = (text: string): string => text;

/** A style that paints, or one that leaves text alone. */
export function makeStyle(enabled: boolean): Style {
  if (!enabled) return { enabled, ok: plain, fail: plain, warn: plain, dim: plain, bold: plain, key: plain };
  return { enabled, ok: paint('32'), fail: paint('31'), warn: paint('33'), dim: paint('2'), bold: paint('1'), key: paint('36') };
}

/**
 * Colours are on when the output is a terminal and NO_COLOR is unset or empty; `--no-color` turns
 * them off, FORCE_COLOR (non-empty, not "0") turns them on anyway.
 */
export function colorWanted(isTty: boolean, env: { NO_COLOR?: string | undefined; FORCE_COLOR?: string | undefined }, flag?: boolean): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return isTty;
}
