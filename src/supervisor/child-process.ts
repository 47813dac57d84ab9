// One managed child process: spawn, stop, crash on demand, pause/resume, restart.
//
// Each start is an "incarnation": its own OS process, process group and lifeline pipe. The
// ManagedChild outlives incarnations so that its name, desired state, last exit and output events
// stay attached to one object across restarts (the log multiplexer subscribes once).
//
// Decisions (what `status` shows):
// - `stop()` ends in `stopped`, even when it had to escalate to SIGKILL (`lastExit.escalated`).
// - `kill(sig)` is a fault the user asked for: when the process dies from it, the state is
//   `crashed` with the signal, e.g. `crashed (SIGKILL)`, `lastExit.requested = true`, and the
//   desired state becomes `stopped` (raft-sup never restarts anything on its own).
// - Any other death is unexpected: `crashed` with its exit code or signal, `requested = false`,
//   desired state still `running` — the mismatch is what "crashed unexpectedly" means. A clean
//   `exit 0` nobody asked for is also `crashed (exit 0)`: a Raft node never exits by itself.
// - `stop()` on a crashed child records that the user wants it down: state becomes `stopped`
//   (the crash stays visible in `lastExit`).
// - Once the group leader has exited, any member left in its process group is swept with SIGKILL:
//   a crash or a stop leaves nothing behind.
// - A child whose spec has `warm` can keep a warm spare while it is down (prewarm()): a process
//   that has already loaded its code and waits on stdin for its arguments. start() hands them to
//   the spare instead of spawning, so a restart skips Node's boot and the code loading (~150 ms of
//   ~200). The spare is a fresh process that has never been this child: it opens storage and its
//   port only once told to. It has its own process group and the lifeline (stdin EOF ends it).
import { EventEmitter } from 'node:events';
import type { ResultPromise } from 'execa';
import { launchChild, spawnedOrWhy } from './spawn-child.js';
import { groupAlive, signalGroup, type SignalName } from './process-group.js';
import { waitUntil } from './wait.js';

/** Actual state of a managed child. */
export type ChildState = 'starting' | 'running' | 'stopped' | 'paused' | 'crashed';

/** What the supervisor was last told to make of this child. */
export type DesiredState = 'running' | 'stopped' | 'paused';

/** How an incarnation ended. */
export interface ExitInfo {
  /** Exit code when it exited normally, else null. */
  code: number | null;
  /** Signal that ended it, else null. */
  signal: SignalName | null;
  /** True when raft-sup caused it (stop or kill), false for an unexpected death. */
  requested: boolean;
  /** True when a stop's grace period ran out and the group was SIGKILLed. */
  escalated: boolean;
  /** Set when the process could not be spawned at all (ENOENT, EACCES, ...). */
  error?: string;
  at: Date;
}

/** How to run a child; `args` must include `--lifeline` if the child should watch stdin. */
export interface ChildSpec {
  name: string;
  command: string;
  args?: readonly string[];
  cwd?: string;
  /** Added to (not replacing) the supervisor's environment. */
  env?: Readonly<Record<string, string | undefined>>;
  /** SIGTERM → SIGKILL grace period for stop(); default 5000 ms. */
  stopGraceMs?: number;
  /**
   * How to run a warm spare of this child (same command, cwd and env): `args` start a process that
   * waits on stdin, `send` is the argument list written to it (one JSON line) when it is taken.
   */
  warm?: { args: readonly string[]; send: readonly string[] };
}

/** A plain, serialisable view of a child for status and the control API. */
export interface ChildSnapshot {
  name: string;
  pid: number | null;
  state: ChildState;
  desired: DesiredState;
  /** `running`, `crashed (SIGKILL)`, `crashed (exit 3)`, ... */
  label: string;
  lastExit: ExitInfo | null;
  /** Number of successful spawns so far. */
  starts: number;
  startedAt: Date | null;
  /** Pid of the warm spare waiting to be this child's next incarnation, if any. */
  sparePid: number | null;
}

export type OutputStream = 'stdout' | 'stderr';

/** Events: `state` on every transition, `output` for each chunk, `output-end` per stream, `exit`. */
export interface ChildEvents {
  state: [snapshot: ChildSnapshot];
  output: [chunk: Buffer, stream: OutputStream];
  'output-end': [stream: OutputStream];
  exit: [info: ExitInfo];
}

/** An operation that makes no sense in the current state (pause a stopped child, ...). */
export class ChildStateError extends Error {
  override readonly name = 'ChildStateError';
}

/** The child could not be spawned. */
export class ChildStartError extends Error {
  override readonly name = 'ChildStartError';
}

export const DEFAULT_STOP_GRACE_MS = 5000;
// After SIGKILL the kernel tears the process down promptly; this bound only guards against a
// process stuck in uninterruptible sleep (D state) so stop() cannot hang forever.
const KILL_WAIT_MS = 10_000;

interface Spare {
  subprocess: ResultPromise;
  pid: number;
  alive: boolean;
}

interface Incarnation {
  subprocess: ResultPromise;
  pid: number;
  exited: Promise<ExitInfo>;
  exitInfo: ExitInfo | null;
  stopRequested: boolean;
  crashRequested: boolean;
  escalated: boolean;
}

/** Label for a state + last exit: `crashed (SIGKILL)`, `crashed (exit 1)`, `running`. */
export function describeState(state: ChildState, lastExit: ExitInfo | null): string {
  if (state !== 'crashed' || lastExit === null) return state;
  if (lastExit.error !== undefined) return `crashed (${lastExit.error})`;
  if (lastExit.signal !== null) return `crashed (${lastExit.signal})`;
  return `crashed (exit ${String(lastExit.code)})`;
}

/** A supervised process with desired vs actual state; safe to call operations concurrently. */
export class ManagedChild extends EventEmitter<ChildEvents> {
  readonly name: string;
  readonly #spec: ChildSpec;
  readonly #graceMs: number;
  #state: ChildState = 'stopped';
  #desired: DesiredState = 'stopped';
  #current: Incarnation | null = null;
  #lastExit: ExitInfo | null = null;
  #starts = 0;
  #startedAt: Date | null = null;
  #stopping: Promise<ExitInfo | null> | null = null;
  #starting: Promise<void> | null = null;
  #spare: Spare | null = null;
  #prewarming: Promise<boolean> | null = null;
  #sparesRetired = false;

  constructor(spec: ChildSpec) {
    super();
    if (typeof spec.name !== 'string' || spec.name === '') throw new TypeError('ChildSpec.name: expected a non-empty string');
    if (typeof spec.command !== 'string' || spec.command === '') throw new TypeError(`ChildSpec.command for ${spec.name}: expected a non-empty string`);
    const grace = spec.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    if (!Number.isFinite(grace) || grace < 0) throw new RangeError(`ChildSpec.stopGraceMs for ${spec.name}: expected a number >= 0, got ${String(grace)}`);
    this.name = spec.name;
    this.#spec = spec;
    this.#graceMs = grace;
  }

  get state(): ChildState { return this.#state; }
  get desired(): DesiredState { return this.#desired; }
  /** Pid (= process group id) of the live incarnation, null when none is alive. */
  get pid(): number | null { return this.#current !== null && this.#current.exitInfo === null ? this.#current.pid : null; }
  get lastExit(): ExitInfo | null { return this.#lastExit; }

  snapshot(): ChildSnapshot {
    return {
      name: this.name,
      pid: this.pid,
      state: this.#state,
      desired: this.#desired,
      label: describeState(this.#state, this.#lastExit),
      lastExit: this.#lastExit,
      starts: this.#starts,
      startedAt: this.#startedAt,
      sparePid: this.#spare?.alive === true ? this.#spare.pid : null,
    };
  }

  /** Spawn a new incarnation; no-op when one is alive (running or paused). Rejects with ChildStartError. */
  async start(): Promise<void> {
    if (this.#starting !== null) return this.#starting;
    if (this.#stopping !== null) await this.#stopping.catch(() => undefined);
    if (this.pid !== null) return;
    this.#starting = this.#spawn().finally(() => { this.#starting = null; });
    return this.#starting;
  }

  /**
   * SIGTERM the group (SIGCONT first if paused), SIGKILL whatever is left after the grace period,
   * resolve once the leader has exited and the group is empty. Resolves null if nothing was alive.
   */
  stop(): Promise<ExitInfo | null> {
    if (this.#stopping !== null) return this.#stopping;
    this.#stopping = this.#stop().finally(() => { this.#stopping = null; });
    return this.#stopping;
  }

  /**
   * Send `signal` to the whole group as a fault (default SIGKILL = a crash). For SIGKILL, resolves
   * once it has exited; for other signals, once sent (the process may survive them). SIGSTOP and
   * SIGCONT are routed to pause()/resume() so the state stays truthful.
   */
  async kill(signal: SignalName = 'SIGKILL'): Promise<ExitInfo | null> {
    if (signal === 'SIGSTOP' || signal === 'SIGTSTP') { this.pause(); return null; }
    if (signal === 'SIGCONT') { this.resume(); return null; }
    const inc = this.#aliveOrThrow('kill');
    inc.crashRequested = true;
    signalGroup(inc.pid, signal);
    if (signal !== 'SIGKILL') return null;
    return this.#awaitExit(inc, KILL_WAIT_MS);
  }

  /** SIGSTOP the whole group. A paused child cannot react to anything (even its lifeline) until resumed. */
  pause(): void {
    if (this.#state === 'paused') return;
    const inc = this.#aliveOrThrow('pause');
    signalGroup(inc.pid, 'SIGSTOP');
    this.#desired = 'paused';
    this.#setState('paused');
  }

  /** SIGCONT the whole group; no-op when already running. */
  resume(): void {
    if (this.#state === 'running' || this.#state === 'starting') return;
    const inc = this.#aliveOrThrow('resume');
    signalGroup(inc.pid, 'SIGCONT');
    this.#desired = 'running';
    this.#setState('running');
  }

  /** stop() then start(): the child keeps its name, data and listeners. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Resolve when `predicate(state)` holds; reject after `timeoutMs` naming what was awaited. */
  waitForState(predicate: ChildState | ((s: ChildState) => boolean), timeoutMs: number): Promise<ChildState> {
    const test = typeof predicate === 'string' ? (s: ChildState) => s === predicate : predicate;
    const what = typeof predicate === 'string' ? predicate : 'the expected state';
    if (test(this.#state)) return Promise.resolve(this.#state);
    return new Promise((resolve, reject) => {
      const onState = (snap: ChildSnapshot): void => {
        if (!test(snap.state)) return;
        clearTimeout(timer);
        this.off('state', onState);
        resolve(snap.state);
      };
      const timer = setTimeout(() => {
        this.off('state', onState);
        reject(new Error(`${this.name}: still ${this.#state} after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.on('state', onState);
    });
  }

  /** True while a warm spare is alive and unused. */
  get hasSpare(): boolean { return this.#spare?.alive === true; }

  /**
   * Starts a warm spare (see the header) unless the spec has none, one is alive, an incarnation
   * lives, or spares were retired. Resolves true when a spare is now waiting.
   */
  prewarm(): Promise<boolean> {
    this.#prewarming ??= this.#prewarm().finally(() => { this.#prewarming = null; });
    return this.#prewarming;
  }

  /** Ends the spare, if any, and waits until it is gone; `retire` also refuses spares from now on (shutdown). */
  async disposeSpare(o: { retire?: boolean } = {}): Promise<void> {
    if (o.retire === true) this.#sparesRetired = true;
    if (this.#prewarming !== null) await this.#prewarming.catch(() => false);
    const spare = this.#spare;
    this.#spare = null;
    if (spare === null || !spare.alive) return;
    signalGroup(spare.pid, 'SIGKILL');
    if (!(await waitUntil(() => !spare.alive && !groupAlive(spare.pid), KILL_WAIT_MS))) {
      throw new Error(`${this.name}: warm spare ${spare.pid} still alive ${KILL_WAIT_MS} ms after SIGKILL`);
    }
  }

  async #prewarm(): Promise<boolean> {
    const warm = this.#spec.warm;
    if (warm === undefined || this.#sparesRetired || this.hasSpare || this.pid !== null || this.#starting !== null) return false;
    let subprocess: ResultPromise;
    try {
      subprocess = launchChild(this.#spec, warm.args);
    } catch {
      return false; // a normal start will report why
    }
    if ((await spawnedOrWhy(subprocess)) !== null || subprocess.pid === undefined) return false;
    const spare: Spare = { subprocess, pid: subprocess.pid, alive: true };
    subprocess.once('exit', () => {
      spare.alive = false;
      if (this.#spare === spare) this.#spare = null;
    });
    subprocess.stdin?.on('error', () => undefined);
    for (const s of [subprocess.stdout, subprocess.stderr]) s?.on('error', () => undefined);
    this.#spare = spare;
    // Started meanwhile (a start in progress waits for us and takes it), or retired: a spare is only for a child that is down.
    if (this.pid !== null || this.#sparesRetired) {
      await this.disposeSpare();
      return false;
    }
    return true;
  }

  async #spawn(): Promise<void> {
    this.#desired = 'running';
    this.#setState('starting');
    if (this.#prewarming !== null) await this.#prewarming.catch(() => false);
    let subprocess: ResultPromise;
    const spare = this.#spare;
    this.#spare = null;
    if (spare !== null && spare.alive && this.#spec.warm !== undefined) {
      // No await from here to the 'exit' listener below: an exit cannot slip between them.
      subprocess = spare.subprocess;
      subprocess.stdin?.write(`${JSON.stringify(this.#spec.warm.send)}\n`);
    } else {
      try {
        subprocess = launchChild(this.#spec, this.#spec.args ?? []);
      } catch (err) {
        throw this.#failStart(err instanceof Error ? err.message : String(err));
      }
      const spawned = await spawnedOrWhy(subprocess);
      if (spawned !== null || subprocess.pid === undefined) throw this.#failStart(spawned ?? 'no pid');
    }
    if (subprocess.pid === undefined) throw this.#failStart('no pid');

    const pid = subprocess.pid;
    let resolveExited!: (info: ExitInfo) => void;
    const inc: Incarnation = {
      subprocess,
      pid,
      exited: new Promise((r) => { resolveExited = r; }),
      exitInfo: null,
      stopRequested: false,
      crashRequested: false,
      escalated: false,
    };
    subprocess.stdin?.on('error', () => undefined); // EPIPE after the child exits: irrelevant
    for (const stream of ['stdout', 'stderr'] as const) {
      const s = subprocess[stream];
      if (s === null) continue;
      s.on('data', (chunk: Buffer | string) => this.emit('output', Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk), stream));
      s.on('end', () => this.emit('output-end', stream));
      s.on('error', () => undefined);
    }
    // 'exit' fires when the leader is reaped, even if a grandchild still holds our stdout pipe.
    subprocess.once('exit', (code, signal) => resolveExited(this.#onExit(inc, code, signal)));
    this.#current = inc;
    this.#starts += 1;
    this.#startedAt = new Date();
    this.#setState('running');
  }

  #failStart(message: string): ChildStartError {
    this.#lastExit = { code: null, signal: null, requested: false, escalated: false, error: message, at: new Date() };
    this.#setState('crashed');
    return new ChildStartError(`could not start ${this.name} (${this.#spec.command}): ${message}`);
  }

  #onExit(inc: Incarnation, code: number | null, signal: NodeJS.Signals | null): ExitInfo {
    const info: ExitInfo = {
      code,
      signal,
      requested: inc.stopRequested || inc.crashRequested,
      escalated: inc.escalated,
      at: new Date(),
    };
    inc.exitInfo = info;
    this.#lastExit = info;
    if (!inc.stopRequested) {
      // A crash leaves nothing behind: sweep the rest of the group right away.
      signalGroup(inc.pid, 'SIGKILL');
      if (inc.crashRequested) this.#desired = 'stopped';
    }
    if (this.#current === inc) this.#setState(inc.stopRequested ? 'stopped' : 'crashed');
    this.emit('exit', info);
    return info;
  }

  async #stop(): Promise<ExitInfo | null> {
    this.#desired = 'stopped';
    if (this.#starting !== null) await this.#starting.catch(() => undefined);
    const inc = this.#current;
    if (inc === null || inc.exitInfo !== null) {
      if (inc !== null) await this.#sweep(inc.pid, KILL_WAIT_MS);
      if (this.#state !== 'stopped') this.#setState('stopped');
      return null;
    }
    inc.stopRequested = true;
    // A stopped process cannot run its SIGTERM handler: continue it first.
    if (this.#state === 'paused') signalGroup(inc.pid, 'SIGCONT');
    signalGroup(inc.pid, 'SIGTERM');
    const graceful = await waitUntil(() => inc.exitInfo !== null && !groupAlive(inc.pid), this.#graceMs, inc.exited);
    if (!graceful) {
      inc.escalated = true;
      // The leader may have exited while a grandchild ignored SIGTERM (TS cannot see the callback).
      const early = inc.exitInfo as ExitInfo | null;
      if (early !== null) early.escalated = true;
      signalGroup(inc.pid, 'SIGKILL');
    }
    const info = await this.#awaitExit(inc, KILL_WAIT_MS);
    await this.#sweep(inc.pid, KILL_WAIT_MS);
    return info;
  }

  // SIGKILL leftovers of a group whose leader is gone, and wait until they are gone too.
  async #sweep(pgid: number, timeoutMs: number): Promise<void> {
    if (!groupAlive(pgid)) return;
    signalGroup(pgid, 'SIGKILL');
    if (!(await waitUntil(() => !groupAlive(pgid), timeoutMs))) {
      throw new Error(`${this.name}: process group ${pgid} still has members ${timeoutMs} ms after SIGKILL`);
    }
  }

  async #awaitExit(inc: Incarnation, timeoutMs: number): Promise<ExitInfo> {
    if (inc.exitInfo !== null) return inc.exitInfo;
    if (!(await waitUntil(() => inc.exitInfo !== null, timeoutMs, inc.exited)) || inc.exitInfo === null) {
      throw new Error(`${this.name}: pid ${inc.pid} did not exit ${timeoutMs} ms after SIGKILL`);
    }
    return inc.exitInfo;
  }

  #aliveOrThrow(op: string): Incarnation {
    const inc = this.#current;
    if (inc === null || inc.exitInfo !== null || this.#state === 'starting') {
      throw new ChildStateError(`cannot ${op} ${this.name}: it is ${describeState(this.#state, this.#lastExit)}`);
    }
    return inc;
  }

  #setState(state: ChildState): void {
    this.#state = state;
    this.emit('state', this.snapshot());
  }
}
