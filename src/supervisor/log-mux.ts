// Many children's output → one readable stream: `HH:MM:SS node-2 │ line`, plus a raw log per child.
//
// Lines are split on bytes (0x0A), not on decoded text, so a multi-byte UTF-8 character cut
// between two chunks is never mangled. stdout and stderr are buffered separately so a partial
// stdout line is not interleaved with a stderr line mid-way. A partial line is held until its
// newline arrives, or flushed (with a newline added) when the stream ends or the mux closes.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { OutputStream } from './child-process.js';

/** Anything with write(string): process.stdout, a test collector. */
export interface TextSink {
  write(text: string): unknown;
}

export interface LogMuxOptions {
  out: TextSink;
  /** ANSI colours on; pass false for pipes, files and `--no-color`. */
  color: boolean;
  /** When set, each child's raw output is appended to `<logsDir>/<name>.log`. */
  logsDir?: string;
  /** Clock for the prefix (tests inject a fixed one). */
  now?: () => Date;
  /** A line longer than this is emitted in pieces instead of growing without bound (default 64 KiB). */
  maxLineBytes?: number;
}

/** What `attach()` subscribes to: a ManagedChild fits. */
export interface OutputSource {
  on(event: 'output', listener: (chunk: Buffer, stream: OutputStream) => void): unknown;
  on(event: 'output-end', listener: (stream: OutputStream) => void): unknown;
  off(event: 'output', listener: (chunk: Buffer, stream: OutputStream) => void): unknown;
  off(event: 'output-end', listener: (stream: OutputStream) => void): unknown;
}

// 16-colour codes that read well on dark and light backgrounds; red is left for errors.
const PALETTE = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94] as const;
const RESET = '\u001b[0m';
const DIM = '\u001b[2m';
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Stable ANSI colour code for a name: `node-N` take palette slots in order, others hash. */
export function colorFor(name: string): number {
  const m = /^node-(\d+)$/.exec(name);
  if (m?.[1] !== undefined) return PALETTE[(Number(m[1]) + PALETTE.length - 1) % PALETTE.length] ?? 36;
  let h = 0x811c9dc5; // FNV-1a: same name, same colour, on every run
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return PALETTE[h % PALETTE.length] ?? 36;
}

/** `HH:MM:SS` in local time. */
export function formatClock(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Multiplexes child output with aligned, optionally coloured prefixes; tees raw bytes to files. */
export class LogMux {
  readonly #out: TextSink;
  readonly #color: boolean;
  readonly #logsDir: string | undefined;
  readonly #now: () => Date;
  readonly #maxLine: number;
  readonly #pending = new Map<string, Buffer>(); // key: `${name}\0${stream}`
  readonly #files = new Map<string, { ws: WriteStream; endsWithNewline: boolean }>();
  #width = 0;

  constructor(options: LogMuxOptions) {
    this.#out = options.out;
    this.#color = options.color;
    this.#logsDir = options.logsDir;
    this.#now = options.now ?? (() => new Date());
    this.#maxLine = options.maxLineBytes ?? 64 * 1024;
    if (!Number.isSafeInteger(this.#maxLine) || this.#maxLine < 1) throw new RangeError(`LogMux maxLineBytes: expected a positive integer, got ${String(options.maxLineBytes)}`);
    if (this.#logsDir !== undefined) mkdirSync(this.#logsDir, { recursive: true });
  }

  /** Declare a name up front so every prefix is aligned from the first line. */
  register(name: string): void {
    if (!SAFE_NAME.test(name)) throw new TypeError(`LogMux: process name must match ${String(SAFE_NAME)}, got ${JSON.stringify(name)}`);
    this.#width = Math.max(this.#width, name.length);
  }

  /** Feed a chunk of a child's output; complete lines are printed now, a partial tail is held. */
  write(name: string, chunk: Buffer | string, stream: OutputStream = 'stdout'): void {
    this.register(name);
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (bytes.length === 0) return;
    this.#tee(name, bytes);
    const key = `${name}\0${stream}`;
    let buf = this.#pending.get(key);
    buf = buf === undefined ? bytes : Buffer.concat([buf, bytes]);
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl !== -1; nl = buf.indexOf(0x0a, start)) {
      this.#emitLine(name, buf.subarray(start, nl));
      start = nl + 1;
    }
    let rest = buf.subarray(start);
    while (rest.length >= this.#maxLine) {
      this.#emitLine(name, rest.subarray(0, this.#maxLine));
      rest = rest.subarray(this.#maxLine);
    }
    if (rest.length === 0) this.#pending.delete(key);
    else this.#pending.set(key, Buffer.from(rest)); // copy: do not pin the whole chunk
  }

  /** The stream ended: print its held partial line, if any. Without `stream`, both. */
  flush(name: string, stream?: OutputStream): void {
    for (const s of stream === undefined ? (['stdout', 'stderr'] as const) : [stream]) {
      const key = `${name}\0${s}`;
      const rest = this.#pending.get(key);
      if (rest === undefined) continue;
      this.#pending.delete(key);
      this.#emitLine(name, rest);
    }
  }

  /** A line from the supervisor about a child ("started pid 123", "crashed (SIGKILL)"), dimmed. */
  note(name: string, text: string): void {
    this.register(name);
    const line = `-- raft-sup: ${text} --`;
    this.#out.write(`${this.#prefix(name)}${this.#color ? `${DIM}${line}${RESET}` : line}\n`);
    const file = this.#file(name);
    if (file !== undefined) {
      file.ws.write(`${file.endsWithNewline ? '' : '\n'}${formatClock(this.#now())} ${line}\n`);
      file.endsWithNewline = true;
    }
  }

  /** Subscribe to a child's `output` / `output-end` events; returns the unsubscribe function. */
  attach(name: string, source: OutputSource): () => void {
    this.register(name);
    const onOutput = (chunk: Buffer, stream: OutputStream): void => this.write(name, chunk, stream);
    const onEnd = (stream: OutputStream): void => this.flush(name, stream);
    source.on('output', onOutput);
    source.on('output-end', onEnd);
    return () => {
      source.off('output', onOutput);
      source.off('output-end', onEnd);
    };
  }

  /** Flush every held line and close the log files. */
  async close(): Promise<void> {
    for (const key of [...this.#pending.keys()]) {
      const [name, stream] = key.split('\0') as [string, OutputStream];
      this.flush(name, stream);
    }
    const files = [...this.#files.values()];
    this.#files.clear();
    await Promise.all(files.map(({ ws }) => new Promise<void>((resolve) => {
      if (ws.destroyed) return resolve();
      ws.end(() => resolve());
      ws.once('error', () => resolve());
    })));
  }

  #emitLine(name: string, raw: Buffer): void {
    let text = raw.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    this.#out.write(`${this.#prefix(name)}${text}\n`);
  }

  #prefix(name: string): string {
    const clock = formatClock(this.#now());
    const padded = name.padEnd(this.#width);
    if (!this.#color) return `${clock} ${padded} │ `;
    const c = colorFor(name);
    return `${DIM}${clock}${RESET} \u001b[${c}m${padded}${RESET} \u001b[${c}m│${RESET} `;
  }

  #tee(name: string, bytes: Buffer): void {
    const file = this.#file(name);
    if (file === undefined) return;
    file.ws.write(bytes);
    file.endsWithNewline = bytes[bytes.length - 1] === 0x0a;
  }

  #file(name: string): { ws: WriteStream; endsWithNewline: boolean } | undefined {
    if (this.#logsDir === undefined) return undefined;
    let file = this.#files.get(name);
    if (file === undefined) {
      const path = join(this.#logsDir, `${name}.log`);
      const ws = createWriteStream(path, { flags: 'a' });
      // A full disk must not take the supervisor down: say so once and stop teeing this child.
      ws.on('error', (err) => {
        this.#out.write(`${this.#prefix(name)}-- raft-sup: cannot write ${path}: ${err.message}; raw log disabled --\n`);
        ws.destroy();
      });
      file = { ws, endsWithNewline: true };
      this.#files.set(name, file);
    }
    return file.ws.destroyed ? undefined : file;
  }
}
