// Progress of a long benchmark: on a terminal one status line rewritten in place; otherwise (CI, a
// pipe, a file) a plain line every few seconds, so logs show the run is alive without a flood.
// Everything goes to stderr: stdout carries only the results (and only the JSON with --json).
import { formatRate, formatMs } from './format.js';
import type { LoadProgress } from './load.js';

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class Progress {
  readonly #out: ProgressSink;
  readonly #tty: boolean;
  readonly #plainEveryMs: number;
  #lastPlain = -Infinity;
  #liveShown = false;

  constructor(out: ProgressSink, opts: { tty?: boolean; plainEveryMs?: number; quiet?: boolean } = {}) {
    this.#out = opts.quiet ? { write: () => undefined } : out;
    this.#tty = opts.tty ?? out.isTTY === true;
    this.#plainEveryMs = opts.plainEveryMs ?? 5000;
  }

  /** A transient status (rewritten on a terminal, throttled otherwise). */
  live(text: string): void {
    if (this.#tty) {
      const width = Math.max(40, (process.stderr.columns || 100) - 1);
      this.#out.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      this.#liveShown = true;
      return;
    }
    const now = performance.now();
    if (now - this.#lastPlain < this.#plainEveryMs) return;
    this.#lastPlain = now;
    this.#out.write(`${text}\n`);
  }

  /** A line that stays. */
  line(text: string): void {
    this.clear();
    this.#out.write(`${text}\n`);
  }

  clear(): void {
    if (this.#tty && this.#liveShown) this.#out.write('\r\x1b[2K');
    this.#liveShown = false;
    this.#lastPlain = -Infinity;
  }

  /** The status line of a load run. */
  load(label: string, p: LoadProgress): void {
    const secs = (ms: number): string => (ms / 1000).toFixed(1);
    if (p.phase === 'warm-up') {
      this.live(`${label}: warming up ${secs(p.elapsedMs)}/${secs(p.warmupMs)} s · ${formatRate(p.recentRate)}`);
      return;
    }
    const inWindow = p.elapsedMs - p.warmupMs;
    const errs = p.errors > 0 ? ` · ${p.errors} errors` : '';
    this.live(`${label}: ${secs(inWindow)}/${secs(p.durationMs)} s · ${formatRate(p.recentRate)} · p50 ${formatMs(p.p50)} p99 ${formatMs(p.p99)}${errs}`);
  }
}
