// The interactive client: node:readline over stdin, one command at a time, in command mode or in
// the original's numbered menu. On a terminal it keeps history in the state dir, completes with Tab,
// cancels the request in flight on Ctrl+C (or clears the line) and leaves on Ctrl+D. On piped input
// it runs line by line and its exit code is the worst of the commands' (see exit-code.ts);
// an interactive session exits 0.
import { createInterface } from 'node:readline';
import type { Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { CommandRunner } from './command-runner.js';
import type { RunnerOptions } from './command-runner.js';
import { EXIT_OK, EXIT_USAGE, exitCodeOf, worse } from './exit-code.js';
import type { ExitCode } from './exit-code.js';
import { HISTORY_SIZE, HistoryFile } from './history.js';
import type { KvOutcome } from './kv-ops.js';
import { MENU_TEXT, menuBlock } from './menu-text.js';
import type { Lang, MenuText } from './menu-text.js';
import { parseLine } from './parse-command.js';
import { metaTail, renderOutcome } from './render.js';

export interface ReplOptions extends RunnerOptions {
  readonly input: Readable;
  readonly output: Writable;
  /** Line editing, prompts, history, completion, Ctrl+C handling: true when stdin is a TTY. */
  readonly terminal: boolean;
  /** State dir for `client-history`; undefined = no persistent history. */
  readonly stateDir?: string | undefined;
  /** Start in menu mode (`--menu`); leaving the menu then ends the session. */
  readonly menu?: boolean;
  readonly lang?: Lang;
}

type MenuStep =
  | { readonly step: 'choose' }
  | { readonly step: 'key'; readonly action: 'write' | 'read' }
  | { readonly step: 'value'; readonly key: string };

const PROMPT = 'raft-sup> ';

/** Runs one REPL session to its end; resolves with the exit code. */
export async function runRepl(opts: ReplOptions): Promise<ExitCode> {
  const repl = new Repl(opts);
  return repl.run();
}

class Repl {
  readonly #opts: ReplOptions;
  readonly #runner: CommandRunner;
  readonly #history: HistoryFile | undefined;
  readonly #text: MenuText;
  readonly #queue: string[] = [];
  #rl: Interface | undefined;
  #menu: MenuStep | undefined;
  #busy = false;
  #inputClosed = false;
  #stopped = false;
  #inflight: AbortController | undefined;
  #code: ExitCode = EXIT_OK;
  #finish: (() => void) | undefined;
  /** The reader went away (`raft-sup client | head -1`): stop quietly. */
  #outputGone = false;

  constructor(opts: ReplOptions) {
    this.#opts = opts;
    this.#runner = new CommandRunner(opts);
    this.#text = MENU_TEXT[opts.lang ?? 'en'];
    this.#history = opts.terminal && opts.stateDir !== undefined ? new HistoryFile(opts.stateDir) : undefined;
  }

  async run(): Promise<ExitCode> {
    const past = this.#history?.load() ?? [];
    this.#runner.keys.noteLines(past);
    const rl = createInterface({
      input: this.#opts.input,
      output: this.#opts.output,
      terminal: this.#opts.terminal,
      // readline wants newest first.
      history: [...past].reverse(),
      historySize: this.#opts.terminal ? HISTORY_SIZE : 0,
      removeHistoryDuplicates: true,
      completer: (line: string) => (this.#menu === undefined ? this.#runner.keys.complete(line) : [[], line]),
      tabSize: 4,
    });
    this.#rl = rl;
    const done = new Promise<void>((resolve) => { this.#finish = resolve; });
    rl.on('line', (line) => {
      if (this.#stopped) return;
      if (this.#history !== undefined && this.#menu === undefined) {
        this.#history.add(line, () => [...(rl as unknown as { history: string[] }).history].reverse());
      }
      this.#queue.push(line);
      void this.#drain();
    });
    rl.on('close', () => {
      this.#inputClosed = true;
      void this.#drain();
    });
    // Only on a terminal: readline turns Ctrl+C into this event (piped input keeps the default).
    rl.on('SIGINT', () => this.#interrupt());
    const onOutputError = (): void => {
      this.#outputGone = true;
      this.#stopped = true;
      this.#inflight?.abort();
      rl.close();
    };
    this.#opts.output.on('error', onOutputError);
    if (this.#opts.terminal) {
      this.#print(this.#runner.style.dim(`raft-sup client → ${this.#opts.url} · type help · Tab completes · Ctrl+D exits`));
    }
    if (this.#opts.menu === true) this.#enterMenu();
    this.#prompt();
    await done;
    const problem = this.#history?.problem;
    if (problem !== undefined) this.#print(this.#runner.style.warn(problem));
    await this.#runner.close();
    this.#opts.output.off('error', onOutputError);
    // Writes still queued can fail after the session (the reader hung up, `| head -1`): that EPIPE
    // must not become an unhandled 'error' event and a stack trace.
    if (this.#opts.output.listenerCount('error') === 0) this.#opts.output.on('error', () => undefined);
    // A person at a terminal saw every answer; only scripts (piped input) need the verdict.
    return this.#opts.terminal ? EXIT_OK : this.#code;
  }

  /** Processes queued lines one at a time; ends the session once input is closed and drained. */
  async #drain(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (this.#queue.length > 0 && !this.#stopped) {
        const line = this.#queue.shift() as string;
        try {
          await this.#handle(line);
        } catch (err) {
          // A bug of ours must cost one command, not the session (and never print a stack trace).
          this.#fail(EXIT_USAGE, `internal error: ${err instanceof Error ? err.message : String(err)}`);
        }
        if (this.#queue.length === 0 && !this.#stopped) this.#prompt();
      }
    } finally {
      this.#busy = false;
    }
    if ((this.#inputClosed || this.#stopped) && (this.#queue.length === 0 || this.#stopped)) {
      this.#stopped = true;
      this.#rl?.close();
      this.#finish?.();
    }
  }

  async #handle(line: string): Promise<void> {
    if (this.#menu !== undefined) return this.#handleMenu(line, this.#menu);
    const p = parseLine(line);
    if (!p.ok) {
      this.#fail(EXIT_USAGE, p.problem);
      return;
    }
    const c = p.command;
    if (c.kind === 'empty') return;
    if (c.kind === 'exit') {
      this.#stopped = true;
      return;
    }
    if (c.kind === 'menu') {
      this.#enterMenu();
      return;
    }
    const answer = await this.#cancellable((signal) => this.#runner.run(c, signal));
    this.#code = worse(this.#code, answer.code);
    this.#print(answer.text);
  }

  async #handleMenu(line: string, state: MenuStep): Promise<void> {
    const t = this.#text;
    const input = line.trim();
    if (state.step === 'choose') {
      if (input === '1') this.#menu = { step: 'key', action: 'write' };
      else if (input === '2') this.#menu = { step: 'key', action: 'read' };
      else if (input === '3') this.#leaveMenu();
      else if (input === '') this.#print(menuBlock(t));
      else this.#fail(EXIT_USAGE, `${t.invalid}\n${menuBlock(t)}`);
      return;
    }
    if (state.step === 'key') {
      // Keys and values are taken as typed (no quoting in the menu), like the original's input().
      if (line === '') {
        this.#print(t.emptyKey);
        return;
      }
      if (state.action === 'write') {
        this.#menu = { step: 'value', key: line };
        return;
      }
      const o = await this.#cancellable((signal) => this.#runner.kv({ kind: 'get', key: line, stale: false }, signal));
      this.#menuAnswer(o, o.ok && o.result.kind === 'get' ? (o.result.value === null ? t.notFound(line) : t.valueOf(line, o.result.value)) : undefined);
      return;
    }
    const o = await this.#cancellable((signal) => this.#runner.kv({ kind: 'put', key: state.key, value: line }, signal));
    this.#menuAnswer(o, o.ok ? t.written(state.key, line) : undefined);
  }

  #menuAnswer(o: KvOutcome, text: string | undefined): void {
    this.#code = worse(this.#code, exitCodeOf(o));
    this.#print(text === undefined ? renderOutcome(o, this.#runner.style) : `${text}${metaTail(o, this.#runner.style)}`);
    this.#menu = { step: 'choose' };
    this.#print(menuBlock(this.#text));
  }

  #enterMenu(): void {
    this.#menu = { step: 'choose' };
    this.#print(menuBlock(this.#text));
  }

  #leaveMenu(): void {
    this.#menu = undefined;
    if (this.#opts.menu === true) this.#stopped = true;
    else this.#print(this.#text.bye);
  }

  /** Runs `work` with an AbortController that Ctrl+C fires. */
  async #cancellable<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ac = new AbortController();
    this.#inflight = ac;
    try {
      return await work(ac.signal);
    } finally {
      this.#inflight = undefined;
    }
  }

  /** Ctrl+C: cancel what is in flight; otherwise drop the half-typed line (or the menu step). */
  #interrupt(): void {
    if (this.#inflight !== undefined) {
      this.#inflight.abort();
      return;
    }
    const rl = this.#rl as (Interface & { clearLine?: () => void }) | undefined;
    if (rl === undefined) return;
    if (typeof rl.clearLine === 'function') {
      rl.clearLine();
    } else {
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      this.#opts.output.write('\n');
    }
    if (this.#menu !== undefined && this.#menu.step !== 'choose') this.#enterMenu();
    this.#prompt();
  }

  #prompt(): void {
    if (!this.#opts.terminal || this.#stopped || this.#rl === undefined) return;
    const t = this.#text;
    const m = this.#menu;
    const prompt = m === undefined ? this.#runner.style.bold(PROMPT) : m.step === 'choose' ? t.choice : m.step === 'key' ? t.key : t.value;
    this.#rl.setPrompt(prompt);
    this.#rl.prompt();
  }

  #fail(code: ExitCode, text: string): void {
    this.#code = worse(this.#code, code);
    this.#print(`${this.#runner.style.fail('✗')} ${text}`);
  }

  #print(text: string): void {
    if (text !== '' && !this.#outputGone) this.#opts.output.write(`${text}\n`);
  }
}
