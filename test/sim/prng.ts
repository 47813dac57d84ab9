// A small seeded PRNG (mulberry32) and the draws the simulator needs. Never Math.random: the seed
// is the bug report, so every choice the simulator makes must come from here.

/** Deterministic 32-bit generator; `fork` derives an independent stream (network, clients, a node). */
export class Prng {
  private s: number;

  constructor(seed: number) {
    // Mix the seed so that nearby seeds (1, 2, 3...) start far apart.
    this.s = mix32(seed >>> 0 ^ 0x9e3779b9);
  }

  /** Uniform in [0, 2^32). */
  nextU32(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextU32() / 4294967296;
  }

  /** Integer in [0, n); n must be a positive integer. */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  pick<T>(xs: readonly T[]): T {
    const x = xs[this.int(xs.length)];
    if (x === undefined) throw new Error('pick from an empty list');
    return x;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[i] as T;
      xs[i] = xs[j] as T;
      xs[j] = t;
    }
    return xs;
  }

  /** An independent stream labelled `label` (same parent state + label ⇒ same stream). */
  fork(label: number): Prng {
    return new Prng(mix32(this.nextU32() ^ Math.imul(label + 1, 0x85ebca6b)));
  }
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}
