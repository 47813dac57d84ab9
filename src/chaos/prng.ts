// A small seeded PRNG (mulberry32) with the helpers the schedule and the workload need.
//
// Why our own: the seed is the bug report (STYLE: VOPR). Every random choice of a chaos run — the
// fault regime, each fault's kind, target and duration, each client's operations — comes from a
// stream derived from the one printed seed, so `--seed N` draws the same schedule again.

/** Largest accepted seed (seeds are unsigned 32-bit integers). */
export const MAX_SEED = 0xffff_ffff;

/** A deterministic stream of numbers in [0, 1), plus the small helpers built on it. */
export class Prng {
  #state: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new RangeError(`seed must be an integer 0..${MAX_SEED}, got ${String(seed)}`);
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Uniform real in [lo, hi). */
  real(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** A key of `weights` chosen in proportion to its weight (at least one weight > 0). */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((s, [, w]) => s + w, 0);
    if (!(total > 0)) throw new RangeError('weighted: every weight is 0');
    let r = this.next() * total;
    for (const [k, w] of entries) {
      if (r < w) return k;
      r -= w;
    }
    return (entries[entries.length - 1] as [K, number])[0];
  }
}

/**
 * An independent stream for one purpose (`streamFor(seed, 'workload')`): adding a draw to one part
 * of the program must not shift every later draw of another part.
 */
export function streamFor(seed: number, label: string): Prng {
  let h = (seed ^ 0x9e37_79b9) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x0100_0193) >>> 0;
  return new Prng(h >>> 0);
}

/** A fresh seed when the user gave none (printed, so the run can be replayed). */
export function randomSeed(): number {
  return Math.floor(Math.random() * MAX_SEED);
}
