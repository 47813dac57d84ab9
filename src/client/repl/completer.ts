// Tab completion: command words first, then keys this user has recently typed or read (most recent
// first), and `--stale` after `get`. Keys come back quoted when they need quotes.
import { COMMAND_WORDS, KEY_COMMANDS, canonical, parseLine } from './parse-command.js';
import { quoteWord } from './tokenize.js';

/** Keys remembered for completion. */
const MAX_KEYS = 500;

export class KeyCompleter {
  /** Most recent last (a Set keeps insertion order; re-adding moves a key to the end). */
  readonly #keys = new Set<string>();

  /** Remember a key used just now. */
  noteKey(key: string): void {
    this.#keys.delete(key);
    this.#keys.add(key);
    if (this.#keys.size > MAX_KEYS) {
      const oldest = this.#keys.values().next();
      if (oldest.done !== true) this.#keys.delete(oldest.value);
    }
  }

  /** Remember the keys of old command lines (history, oldest first). */
  noteLines(lines: readonly string[]): void {
    for (const line of lines) {
      const p = parseLine(line);
      if (p.ok && 'key' in p.command) this.noteKey(p.command.key);
    }
  }

  /** Recent keys, most recent first. */
  keys(): string[] {
    return [...this.#keys].reverse();
  }

  /** readline's completer contract: [candidates, the text they replace]. */
  complete(lineBeforeCursor: string): [string[], string] {
    const m = /(?:^|\s)(\S*)$/u.exec(lineBeforeCursor);
    const partial = m?.[1] ?? '';
    const before = lineBeforeCursor.slice(0, lineBeforeCursor.length - partial.length).trim();
    const words = before === '' ? [] : before.split(/\s+/u);
    if (words.length === 0) {
      const hits = COMMAND_WORDS.filter((w) => w.startsWith(partial.toLowerCase())).map((w) => `${w} `);
      return [hits, partial];
    }
    const head = words[0] ?? '';
    if (words.length === 1 && canonical(head) === 'help') {
      return [COMMAND_WORDS.filter((w) => w.startsWith(partial)).map((w) => `${w} `), partial];
    }
    const argIndex = words.filter((w) => w !== '--stale').length - 1;
    const flags = canonical(head) === 'get' && !words.includes('--stale') && '--stale'.startsWith(partial) && partial.startsWith('-') ? ['--stale '] : [];
    if (!KEY_COMMANDS.has(head.toLowerCase()) || argIndex !== 0) return [flags, partial];
    const bare = partial.replace(/^['"]/u, '');
    const keys = this.keys().filter((k) => k.startsWith(bare)).map((k) => `${quoteWord(k)} `);
    return [[...flags, ...keys], partial];
  }
}
