// Live progress of a chaos run. On a terminal: one status line redrawn in place (elapsed, ops/s,
// ok/fail/info, faults so far, the fault in force) with fault events printed above it. Without a
// terminal (CI, pipes): plain lines — every event, and a status line every 5 s.

export interface ProgressSink {
  write(text: string): unknown;
}

export interface LoadCounters {
  ok: number;
  fail: number;
  info: number;
}

export class ChaosProgress {
  readonly #out: ProgressSink;
  readonly #tty: boolean;
  #drawn = false;
  #lastPlain = 0;
  #lastOps = 0;
  #lastAt = 0;
  #rate = 0;

  constructor(out: ProgressSink, tty: boolean) {
    this.#out = out;
    this.#tty = tty;
  }

  /** A line that stays (phase changes, faults). */
  line(text: string): void {
    this.#clear();
    this.#out.write(`${text}\n`);
  }

  /** Refresh the status line (call often; plain output throttles itself to every 5 s). */
  status(elapsedMs: number, durationMs: number, c: LoadCounters, faults: number, active: string | null): void {
    const ops = c.ok + c.fail + c.info;
    const now = performance.now();
    if (now - this.#lastAt >= 1000) {
      if (this.#lastAt > 0) this.#rate = ((ops - this.#lastOps) * 1000) / (now - this.#lastAt);
      this.#lastOps = ops;
      this.#lastAt = now;
    }
    const text =
      `${(elapsedMs / 1000).toFixed(0).padStart(3)}/${Math.round(durationMs / 1000)} s · ${Math.round(this.#rate)} ops/s · ` +
      `ok ${c.ok} · fail ${c.fail} · info ${c.info} · faults ${faults}${active ? ` · now: ${active}` : ''}`;
    if (this.#tty) {
      const cols = process.stderr.columns;
      const width = cols !== undefined && cols > 20 ? cols - 1 : 120; // a pty without a size says 0
      this.#out.write(`\r\u001b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      this.#drawn = true;
    } else if (now - this.#lastPlain >= 5000) {
      this.#lastPlain = now;
      this.#out.write(`${text}\n`);
    }
  }

  /** Leave the terminal clean. */
  done(): void {
    this.#clear();
  }

  #clear(): void {
    if (this.#tty && this.#drawn) this.#out.write('\r\u001b[2K');
    this.#drawn = false;
  }
}
