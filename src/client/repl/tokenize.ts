// Splits one REPL line into words the way a shell would, so `put greeting "hello world"` has two
// arguments. Each word remembers whether any part of it was quoted: an unquoted `-` means "absent"
// in `cas`, a quoted '-' is the one-character string.

export interface Token {
  readonly text: string;
  /** true when any part of the word was inside quotes (or escaped with a backslash). */
  readonly quoted: boolean;
}

export type TokenizeResult =
  | { readonly ok: true; readonly tokens: readonly Token[] }
  | { readonly ok: false; readonly problem: string };

const DOUBLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', $: '$', '`': '`' };

/**
 * Rules: blanks separate words; '...' is literal; "..." allows \" \\ \n \t \r escapes; a backslash
 * outside quotes makes the next character literal. An unterminated quote is a problem, not a guess.
 */
export function tokenize(line: string): TokenizeResult {
  const tokens: Token[] = [];
  let text = '';
  let quoted = false;
  let inWord = false;
  let i = 0;
  const end = (): void => {
    if (inWord) tokens.push({ text, quoted });
    text = '';
    quoted = false;
    inWord = false;
  };
  while (i < line.length) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t') {
      end();
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) return { ok: false, problem: `unterminated ' quote starting at column ${i + 1}` };
      text += line.slice(i + 1, close);
      quoted = true;
      i = close + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let closed = false;
      while (j < line.length) {
        const d = line[j] as string;
        if (d === '"') {
          closed = true;
          break;
        }
        if (d === '\\' && j + 1 < line.length) {
          const next = line[j + 1] as string;
          const mapped = DOUBLE_ESCAPES[next];
          // Unknown escapes stay as typed (\x → \x), like POSIX shells do inside double quotes.
          text += mapped ?? `\\${next}`;
          j += 2;
          continue;
        }
        text += d;
        j++;
      }
      if (!closed) return { ok: false, problem: `unterminated " quote starting at column ${i + 1}` };
      quoted = true;
      i = j + 1;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= line.length) return { ok: false, problem: 'the line ends with a lone backslash' };
      text += line[i + 1];
      quoted = true;
      i += 2;
      continue;
    }
    text += c;
    i++;
  }
  end();
  return { ok: true, tokens };
}

/** Quotes a word so that tokenize() gives it back unchanged (for completion and echoing keys). */
export function quoteWord(word: string): string {
  if (word !== '' && /^[^\s'"\\]+$/u.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
