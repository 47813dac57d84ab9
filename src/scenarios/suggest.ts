// "did you mean …?" for unknown names: the closest candidate by edit distance, when close enough to be
// a typo rather than a different word.

/** Levenshtein distance (insert, delete, substitute; each costs 1). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = cur;
  }
  return prev[b.length] as number;
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
