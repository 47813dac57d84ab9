// A small seeded PRNG (mulberry32) for tests: the seed is the bug report, so no Math.random here.

export class Prng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** An independent stream derived from this seed and a label (one per node, per purpose). */
  fork(label: number): Prng {
    return new Prng(Math.imul(this.seed ^ 0x9e3779b9, 31) + label * 0x85ebca6b);
  }
}
