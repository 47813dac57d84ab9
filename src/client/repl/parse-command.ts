// Turns one REPL line into a command value (or a usage problem that names what was expected).
// The same vocabulary is used by the one-shot commands, so `raft-sup put k v` and `put k v` in the
// REPL mean exactly the same thing.
import { tokenize } from './tokenize.js';
import type { Token } from './tokenize.js';

export type KvCommand =
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'get'; readonly key: string; readonly stale: boolean }
  | { readonly kind: 'del'; readonly key: string }
  /** from === null: the key must not exist. */
  | { readonly kind: 'cas'; readonly key: string; readonly from: string | null; readonly to: string };

export type ReplCommand =
  | KvCommand
  | { readonly kind: 'status' }
  | { readonly kind: 'leader' }
  | { readonly kind: 'help'; readonly topic: string | undefined }
  | { readonly kind: 'menu' }
  | { readonly kind: 'exit' }
  | { readonly kind: 'empty' };

export type ParseResult =
  | { readonly ok: true; readonly command: ReplCommand }
  | { readonly ok: false; readonly problem: string };

/** Every command word and its aliases, in the order `help` lists them. */
export const COMMAND_WORDS = ['put', 'get', 'del', 'cas', 'status', 'leader', 'menu', 'help', 'exit'] as const;
const ALIASES: Record<string, (typeof COMMAND_WORDS)[number]> = {
  set: 'put', delete: 'del', rm: 'del', quit: 'exit', '?': 'help',
};
/** Words that take a key as their first argument (for completion). */
export const KEY_COMMANDS: ReadonlySet<string> = new Set(['put', 'get', 'del', 'cas', 'set', 'delete', 'rm']);

/** One line of usage per command, shown by `help` and in usage problems. */
export const USAGE: Record<(typeof COMMAND_WORDS)[number], string> = {
  put: 'put KEY VALUE          write (quote values with spaces: put k "hello world")',
  get: 'get KEY [--stale]      read (linearizable; --stale: the serving node\'s local copy)',
  del: 'del KEY                delete',
  cas: 'cas KEY FROM TO        compare-and-set; FROM - (unquoted) means "KEY must not exist"',
  status: 'status                 the cluster table (every node\'s /status)',
  leader: 'leader                 which node leads, and in which term',
  menu: 'menu                   the original\'s numbered menu (1 write, 2 read, 3 exit)',
  help: 'help [COMMAND]         this list',
  exit: 'exit                   leave (or Ctrl+D)',
};

/** Parses one line; blank lines and `#` comments are `empty`. */
export function parseLine(line: string): ParseResult {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return { ok: true, command: { kind: 'empty' } };
  const t = tokenize(trimmed);
  if (!t.ok) return t;
  const [head, ...args] = t.tokens;
  if (head === undefined) return { ok: true, command: { kind: 'empty' } };
  return parseWords(head.text, args);
}

/** Parses a command word and its argument tokens (shared with the one-shot commands). */
export function parseWords(word: string, args: readonly Token[]): ParseResult {
  const name = canonical(word);
  if (name === undefined) {
    return { ok: false, problem: `unknown command ${JSON.stringify(word)}; commands: ${COMMAND_WORDS.join(', ')} (type help)` };
  }
  const usage = (): { ok: false; problem: string } => ({ ok: false, problem: `usage: ${USAGE[name].split(/\s{2,}/)[0] ?? name}` });
  switch (name) {
    case 'put': {
      if (args.length !== 2) {
        const hint = args.length > 2 ? ' (quote a value with spaces: put k "hello world")' : '';
        return { ok: false, problem: `${usage().problem}${hint}` };
      }
      return { ok: true, command: { kind: 'put', key: text(args[0]), value: text(args[1]) } };
    }
    case 'get': {
      let stale = false;
      const rest: Token[] = [];
      for (const a of args) {
        if (!a.quoted && a.text === '--stale') stale = true;
        else if (!a.quoted && (a.text === '--linearizable' || a.text === '--fresh')) stale = false;
        else if (!a.quoted && a.text.startsWith('--')) return { ok: false, problem: `get: unknown flag ${a.text} (only --stale)` };
        else rest.push(a);
      }
      if (rest.length !== 1) return usage();
      return { ok: true, command: { kind: 'get', key: text(rest[0]), stale } };
    }
    case 'del':
      if (args.length !== 1) return usage();
      return { ok: true, command: { kind: 'del', key: text(args[0]) } };
    case 'cas': {
      if (args.length !== 3) return usage();
      const from = args[1] as Token;
      return { ok: true, command: { kind: 'cas', key: text(args[0]), from: isAbsentMarker(from) ? null : from.text, to: text(args[2]) } };
    }
    case 'help':
      if (args.length > 1) return usage();
      return { ok: true, command: { kind: 'help', topic: args[0]?.text } };
    case 'status':
    case 'leader':
    case 'menu':
    case 'exit':
      if (args.length !== 0) return { ok: false, problem: `${name} takes no arguments` };
      return { ok: true, command: { kind: name } };
  }
}

/** `-` typed without quotes stands for "absent" (a quoted '-' is the string "-"). */
export function isAbsentMarker(t: Token): boolean {
  return !t.quoted && t.text === '-';
}

/** The canonical command for a word or alias (case-insensitive), or undefined. */
export function canonical(word: string): (typeof COMMAND_WORDS)[number] | undefined {
  const w = word.toLowerCase();
  if ((COMMAND_WORDS as readonly string[]).includes(w)) return w as (typeof COMMAND_WORDS)[number];
  return ALIASES[w];
}

/** The help text: every usage line, then how values and the absent marker are written. */
export function helpText(topic?: string): string {
  if (topic !== undefined) {
    const name = canonical(topic);
    if (name === undefined) return `no command ${JSON.stringify(topic)}; commands: ${COMMAND_WORDS.join(', ')}`;
    return USAGE[name];
  }
  return [
    ...COMMAND_WORDS.map((w) => `  ${USAGE[w]}`),
    '',
    '  Quotes: "..." (with \\" \\n escapes) or \'...\'.  Tab completes commands and recent keys.',
    '  Ctrl+C cancels a request in flight (or clears the line); Ctrl+D exits.',
  ].join('\n');
}

function text(t: Token | undefined): string {
  return t?.text ?? '';
}
