// Majority arithmetic for a static set of voters.

/** Majority size for `n` voters. */
export function quorumSize(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** The highest index replicated on a quorum, given every voter's match index. */
export function quorumMatch(matches: readonly number[]): number {
  const sorted = [...matches].sort((a, b) => b - a);
  return sorted[quorumSize(matches.length) - 1] ?? 0;
}
