// Persistent REPL history: one command per line in `<state dir>/client-history`, oldest first, so
// the up arrow works across sessions. A history that cannot be read or written costs a warning,
// never the session.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const HISTORY_FILE = 'client-history';
/** Entries kept (in memory and on disk). */
export const HISTORY_SIZE = 1000;

export class HistoryFile {
  readonly path: string;
  #broken: string | undefined;
  #appended = 0;

  constructor(stateDir: string, readonly size = HISTORY_SIZE) {
    this.path = join(stateDir, HISTORY_FILE);
  }

  /** Entries oldest first (empty when the file does not exist yet). */
  load(): string[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.#broken = describe(err);
      return [];
    }
    return text.split('\n').filter((l) => l.trim() !== '').slice(-this.size);
  }

  /** Appends one entry; rewrites the file trimmed when it has grown well past `size`. */
  add(entry: string, all: () => readonly string[]): void {
    if (this.#broken !== undefined || entry.includes('\n') || entry.trim() === '') return;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      appendFileSync(this.path, `${entry}\n`, { mode: 0o600 });
      if (++this.#appended >= this.size) {
        this.#appended = 0;
        writeFileSync(this.path, `${all().slice(-this.size).join('\n')}\n`, { mode: 0o600 });
      }
    } catch (err) {
      this.#broken = describe(err);
    }
  }

  /** Why history is not being saved (shown once), or undefined. */
  get problem(): string | undefined {
    return this.#broken === undefined ? undefined : `history is not saved (${this.path}: ${this.#broken})`;
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message;
}
