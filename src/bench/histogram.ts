// A latency histogram in the style of HdrHistogram: values in whole microseconds, exact below
// 256 µs, above that log-linear buckets with 128 sub-buckets per power of two, so every recorded
// value is known to within 1/128 (< 0.8 %) of itself. Fixed memory (about 13 KB) whatever the run
// length, O(1) record, and two histograms merge by adding counts — which is why the benchmark keeps
// one per timeline interval and one for the whole run, instead of sorting millions of samples.
//
// Bucket layout: index(v) = v for v < 256; otherwise with msb = floor(log2 v) and shift = msb - 7,
// index = (shift + 1) · 128 + (v >> shift) − 128. Consecutive powers of two get consecutive runs of
// 128 buckets, so the index is monotonic in v and the buckets tile [0, 2^31) without gaps.

const SUB_BITS = 7;
const SUB = 1 << SUB_BITS; // 128
/** Largest value kept as is (µs); larger values are clamped (≈ 35 minutes). */
export const MAX_TRACKABLE_US = 2 ** 31 - 1;
const BUCKETS = (31 - SUB_BITS + 1) * SUB + SUB; // shift ≤ 24 → index < 26 · 128

/** Bucket index of a value in µs (exported for tests). */
export function bucketOf(us: number): number {
  if (us < 2 * SUB) return us;
  const msb = 31 - Math.clz32(us);
  const shift = msb - SUB_BITS;
  return (shift + 1) * SUB + (us >>> shift) - SUB;
}

/** [lowest, highest] value (µs) that lands in bucket `i` (exported for tests). */
export function bucketRange(i: number): [number, number] {
  if (i < 2 * SUB) return [i, i];
  const shift = Math.floor(i / SUB) - 1;
  const sub = (i % SUB) + SUB;
  return [sub * 2 ** shift, (sub + 1) * 2 ** shift - 1];
}

/** Latency distribution of one set of operations, recorded in milliseconds. */
export class Histogram {
  #counts: Uint32Array | undefined; // allocated on first record: empty timeline slots stay free
  #count = 0;
  #sumUs = 0;
  #minUs = Infinity;
  #maxUs = 0;

  /** Records one latency in milliseconds (fractions kept to the microsecond). */
  record(ms: number): void {
    this.recordUs(Math.round(ms * 1000));
  }

  recordUs(us: number): void {
    const v = Number.isFinite(us) ? Math.min(MAX_TRACKABLE_US, Math.max(0, Math.round(us))) : MAX_TRACKABLE_US;
    this.#counts ??= new Uint32Array(BUCKETS);
    const i = bucketOf(v);
    this.#counts[i] = (this.#counts[i] ?? 0) + 1;
    this.#count++;
    this.#sumUs += v;
    if (v < this.#minUs) this.#minUs = v;
    if (v > this.#maxUs) this.#maxUs = v;
  }

  /** Adds every value of `other` to this one. */
  merge(other: Histogram): void {
    const oc = other.#counts;
    if (oc === undefined || other.#count === 0) return;
    this.#counts ??= new Uint32Array(BUCKETS);
    for (let i = 0; i < BUCKETS; i++) {
      const c = oc[i] ?? 0;
      if (c !== 0) this.#counts[i] = (this.#counts[i] ?? 0) + c;
    }
    this.#count += other.#count;
    this.#sumUs += other.#sumUs;
    this.#minUs = Math.min(this.#minUs, other.#minUs);
    this.#maxUs = Math.max(this.#maxUs, other.#maxUs);
  }

  get count(): number {
    return this.#count;
  }

  /** Largest value recorded (ms, exact to the µs); NaN when empty. */
  get maxMs(): number {
    return this.#count === 0 ? NaN : this.#maxUs / 1000;
  }

  get minMs(): number {
    return this.#count === 0 ? NaN : this.#minUs / 1000;
  }

  get meanMs(): number {
    return this.#count === 0 ? NaN : this.#sumUs / this.#count / 1000;
  }

  /**
   * The value at percentile `p` (0..100) in ms: the smallest bucket whose cumulative count reaches
   * ⌈p/100 · count⌉, reported as that bucket's highest value (never above the true maximum) — like
   * HdrHistogram, it never under-reports. NaN when empty.
   */
  percentileMs(p: number): number {
    if (this.#count === 0 || this.#counts === undefined) return NaN;
    const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i] ?? 0;
      if (seen >= rank) return Math.min(bucketRange(i)[1], this.#maxUs) / 1000;
    }
    return this.#maxUs / 1000;
  }

  /** The usual summary, in ms. */
  summary(): LatencySummary {
    return {
      count: this.#count,
      min: this.minMs,
      mean: this.meanMs,
      p50: this.percentileMs(50),
      p90: this.percentileMs(90),
      p99: this.percentileMs(99),
      p999: this.percentileMs(99.9),
      max: this.maxMs,
    };
  }
}

/** Latency percentiles of a set of operations (ms; NaN when there were none). */
export interface LatencySummary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** Exact percentile of sorted samples with the same rank rule (for tests and small sample sets). */
export function exactPercentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Median of a small list (failover times): the middle value, or the mean of the two middle ones; NaN when empty. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
