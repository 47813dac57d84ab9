// Runs the real CLI as a child process: with piped stdin, or inside a pseudo-terminal made by
// util-linux `script` (no native modules), and waits for output with deadlines, never sleeps.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Environment for children: no colours unless a test asks, nothing inherited that changes output. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  delete env.FORCE_COLOR;
  if (extra.FORCE_COLOR !== undefined) env.FORCE_COLOR = extra.FORCE_COLOR;
  if ('NO_COLOR' in extra && extra.NO_COLOR === '') delete env.NO_COLOR;
  return env;
}

/** Runs `raft-sup ...args` with `stdin` piped in; kills it if it outlives `timeoutMs`. */
export async function runCli(args: readonly string[], opts: { stdin?: string; env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}): Promise<Ran> {
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv(opts.env), cwd: opts.cwd });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
  child.stdin.on('error', () => undefined);
  child.stdin.end(opts.stdin ?? '');
  const limit = opts.timeoutMs ?? 60_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), limit);
  let spawnError: Error | undefined;
  child.on('error', (err) => { spawnError = err; });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  if (spawnError !== undefined) throw new Error(`could not run raft-sup ${args.join(' ')}: ${spawnError.message}`);
  if (signal === 'SIGKILL') throw new Error(`raft-sup ${args.join(' ')} did not finish within ${limit} ms; stdout=${JSON.stringify(stdout)} stderr=${JSON.stringify(stderr)}`);
  return { code, signal, stdout, stderr, ms: performance.now() - started };
}

/** A fresh temporary directory and its remover. */
export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'raft-sup-repl-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Strips ANSI escape sequences (the pty output is full of readline's cursor movements). */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

/** The CLI inside a pseudo-terminal: type keys, wait for output, read the exit code. */
export class PtySession {
  readonly #child: ChildProcess;
  #out = '';
  readonly #exit: Promise<number | null>;

  constructor(args: readonly string[], env: Record<string, string> = {}) {
    const command = [process.execPath, MAIN, ...args].map(shellQuote).join(' ');
    // -q quiet, -f flush at once, -e return the child's exit code, -c run this command.
    this.#child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv(env), detached: true });
    this.#child.stdout?.on('data', (d: Buffer) => { this.#out += d.toString('utf8'); });
    this.#child.stderr?.on('data', (d: Buffer) => { this.#out += d.toString('utf8'); });
    this.#child.stdin?.on('error', () => undefined);
    this.#child.on('error', (err) => { this.#out += `\n[spawn error: ${err.message}]\n`; });
    this.#exit = new Promise((resolve) => this.#child.on('close', (c) => resolve(c)));
  }

  /** Everything printed so far, raw (escape sequences included). */
  get raw(): string {
    return this.#out;
  }

  /** Everything printed so far without escape sequences and carriage returns. */
  get text(): string {
    return plain(this.#out);
  }

  /** Output printed after `mark` (a length of `raw`), plain. */
  since(mark: number): string {
    return plain(this.#out.slice(mark));
  }

  type(keys: string): void {
    this.#child.stdin?.write(keys);
  }

  /** Waits until the plain output after `from` matches; throws with the output on timeout. */
  async waitFor(re: RegExp, from = 0, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.since(from));
      if (m !== null) return m;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(re)}; output after mark: ${JSON.stringify(this.since(from))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Exit code of the CLI (script -e passes it through), within a deadline. */
  async exited(timeoutMs = 30_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`pty session did not exit; output: ${JSON.stringify(this.text)}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.#exit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the whole process group we started (script and the CLI under it), if still running. */
  async kill(): Promise<void> {
    const pid = this.#child.pid;
    if (pid !== undefined && this.#child.exitCode === null && this.#child.signalCode === null) {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
      await this.#exit;
    }
  }
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/u.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
