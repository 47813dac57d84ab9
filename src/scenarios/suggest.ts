// "did you mean …?" for unknown names: the closest candidate by edit distance, when close enough to be
// a typo rather than a different word.

/**
 * Edit distance: insert, delete, substitute, and swap two neighbours (each costs 1) — Levenshtein
 * with transpositions (optimal string alignment), so `valeu` is one typo away from `value`.
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const prev = rows[i - 1] as number[];
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      cur[j] = d;
    }
    rows.push(cur);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The candidate closest to `input` (case-insensitive), or undefined when none is within a typo's
 * reach: at most 1 edit for short words, about a third of the word for longer ones.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = levenshtein(needle, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(needle.length, best.length) / 3));
  return bestDistance <= limit ? best : undefined;
}

/** " — did you mean `x`?" or "" (ready to append to a message). */
export function didYouMean(input: string, candidates: readonly string[], render: (s: string) => string = (s) => `\`${s}\``): string {
  const hit = closest(input, candidates);
  return hit === undefined ? '' : ` — did you mean ${render(hit)}?`;
}
