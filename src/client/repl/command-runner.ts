// Executes parsed REPL commands against the cluster and renders each answer as text plus the exit
// code it stands for. Shared by the interactive loop, piped input, menu mode and the one-shots.
import { randomBytes } from 'node:crypto';
import { fetchCluster, fetchLeader, renderCluster } from './cluster-view.js';
import type { ViewOutcome } from './cluster-view.js';
import { KeyCompleter } from './completer.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, exitCodeOf } from './exit-code.js';
import type { ExitCode } from './exit-code.js';
import { CANCELLED, HttpCaller } from './http-call.js';
import { runKv } from './kv-ops.js';
import type { KvOutcome, KvSession } from './kv-ops.js';
import { helpText } from './parse-command.js';
import type { KvCommand, ReplCommand } from './parse-command.js';
import { metaTail, outageText, renderOutcome } from './render.js';
import { makeStyle } from './style.js';
import type { Style } from './style.js';

export interface RunnerOptions {
  /** Base URL of the proxy or of any node. */
  readonly url: string;
  /** Budget per command, retries included (ms). */
  readonly deadlineMs: number;
  readonly token?: string | undefined;
  readonly color: boolean;
}

export interface Answer {
  readonly text: string;
  readonly code: ExitCode;
}

export class CommandRunner {
  readonly keys = new KeyCompleter();
  readonly style: Style;
  readonly #caller: HttpCaller;
  readonly #session: KvSession;

  constructor(readonly opts: RunnerOptions) {
    this.style = makeStyle(opts.color);
    this.#caller = new HttpCaller({ token: opts.token, connectTimeoutMs: Math.min(opts.deadlineMs, 2000) });
    let seq = 0;
    this.#session = {
      caller: this.#caller,
      url: opts.url,
      deadlineMs: opts.deadlineMs,
      // One session per REPL process: its writes are applied exactly once even when retried.
      clientId: `repl-${randomBytes(8).toString('hex')}`,
      nextSeq: () => ++seq,
    };
  }

  /** One KV command, as a value (for callers that render it themselves). */
  async kv(command: KvCommand, signal?: AbortSignal): Promise<KvOutcome> {
    this.keys.noteKey(command.key);
    return runKv(this.#session, command, signal);
  }

  /** Any command except `menu`/`exit`/`empty` (the loop handles those), rendered. */
  async run(command: ReplCommand, signal?: AbortSignal): Promise<Answer> {
    const s = this.style;
    switch (command.kind) {
      case 'put':
      case 'get':
      case 'del':
      case 'cas': {
        const o = await this.kv(command, signal);
        return { text: renderOutcome(o, s), code: exitCodeOf(o) };
      }
      case 'leader': {
        const v = await fetchLeader(this.#caller, this.opts.url, this.opts.deadlineMs, signal);
        if (!v.ok) return this.#viewFailure(v);
        const l = v.value;
        const term = l.term === null ? '' : ` · term ${l.term}`;
        if (l.id === null) {
          return { text: `${s.warn('no leader right now')}${term} — an election may be under way; try again, or \`raft-sup status\`${metaTail(v, s)}`, code: EXIT_FAILED };
        }
        return { text: `leader: ${s.bold(`node-${l.id}`)}${l.url === null ? '' : ` ${l.url}`}${term}${metaTail(v, s)}`, code: EXIT_OK };
      }
      case 'status': {
        const v = await fetchCluster(this.#caller, this.opts.url, this.opts.deadlineMs, signal);
        if (!v.ok) return this.#viewFailure(v);
        const table = await renderCluster(v.value, s.enabled);
        return { text: `${table}${metaTail(v, s)}`, code: EXIT_OK };
      }
      case 'help':
        return { text: helpText(command.topic), code: EXIT_OK };
      case 'menu':
      case 'exit':
      case 'empty':
        return { text: '', code: EXIT_OK };
    }
  }

  async close(): Promise<void> {
    await this.#caller.close();
  }

  #viewFailure(v: Extract<ViewOutcome<unknown>, { ok: false }>): Answer {
    const s = this.style;
    const text = v.error.code === CANCELLED ? 'cancelled' : outageText(v.error, this.opts.deadlineMs, v.gaveUp);
    return { text: `${s.fail('✗')} ${text}${v.attempts > 0 ? metaTail(v, s) : ''}`, code: EXIT_USAGE };
  }
}
