// The last few lines a child printed, kept in memory so that "node-2 crashed during startup" can
// say why (its last words) without the user digging through log files.

/** A bounded ring of the most recent complete lines (plus the current partial one). */
export class OutputTail {
  readonly #max: number;
  readonly #lines: string[] = [];
  #partial = '';

  constructor(maxLines = 20) {
    this.#max = maxLines;
  }

  push(chunk: Buffer | string): void {
    const text = this.#partial + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const parts = text.split('\n');
    this.#partial = (parts.pop() ?? '').slice(-4096);
    for (const line of parts) {
      const clean = line.replace(/\r$/, '');
      if (clean.trim() === '') continue;
      this.#lines.push(clean.length > 500 ? `${clean.slice(0, 500)}…` : clean);
      if (this.#lines.length > this.#max) this.#lines.shift();
    }
  }

  /** The last `n` non-empty lines, oldest first. */
  last(n = this.#max): string[] {
    const all = this.#partial.trim() === '' ? this.#lines : [...this.#lines, this.#partial];
    return all.slice(-n);
  }
}
