// Latency and throughput per fixed interval of a run, for the latency-over-time chart: one small
// histogram per interval (allocated when the first operation of that interval completes).
import { Histogram } from './histogram.js';

export interface TimelinePoint {
  /** Start of the interval, ms since the run's reference point (negative during a warm-up). */
  t: number;
  ops: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

export class Timeline {
  readonly #origin: number;
  readonly #offset: number;
  readonly intervalMs: number;
  readonly #slots: { h: Histogram; errors: number }[] = [];

  /**
   * @param origin performance.now() at which interval 0 starts
   * @param offsetMs subtracted from every reported `t` (the warm-up, so the window starts at 0)
   */
  constructor(origin: number, intervalMs: number, offsetMs = 0) {
    this.#origin = origin;
    this.intervalMs = intervalMs;
    this.#offset = offsetMs;
  }

  #slot(at: number): { h: Histogram; errors: number } {
    const k = Math.max(0, Math.floor((at - this.#origin) / this.intervalMs));
    for (let j = this.#slots.length; j <= k; j++) this.#slots[j] = { h: new Histogram(), errors: 0 };
    return this.#slots[k] as { h: Histogram; errors: number };
  }

  /** An operation that completed at `at` (performance.now()) after `ms`. */
  ok(at: number, ms: number): void {
    this.#slot(at).h.record(ms);
  }

  failed(at: number): void {
    this.#slot(at).errors++;
  }

  /** A time (performance.now()) on the reported axis. */
  axis(at: number): number {
    return at - this.#origin - this.#offset;
  }

  points(): TimelinePoint[] {
    return this.#slots.map((s, k) => ({
      t: k * this.intervalMs - this.#offset,
      ops: s.h.count,
      errors: s.errors,
      p50: s.h.percentileMs(50),
      p99: s.h.percentileMs(99),
      max: s.h.maxMs,
    }));
  }
}
