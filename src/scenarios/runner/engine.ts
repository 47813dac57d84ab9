// ScenarioRun: executes one scenario's steps in order against a ClusterAdapter, independent of how
// they are shown (the listr2 checklist drives it one step at a time; tests call it directly).
//
// Per step: resolve targets at run time, run one attempt within `within`, on failure try again up
// to `retry` times (short growing backoff, each attempt with a fresh deadline), bind the step's
// variables on success, and on final failure capture what was expected, what was seen, and the
// cluster's status table at that moment. After a failure every later step is skipped.

import { HistoryRecorder } from '../../check/index.js';
import { renderStatusTable, type ClusterStatus } from '../../supervisor/index.js';
import { describeStep } from '../describe.js';
import { formatDuration } from '../duration.js';
import type { Scenario, Step } from '../types.js';
import { runAwait } from './await-step.js';
import { BackgroundLoad } from './background-load.js';
import { runCheck } from './check-step.js';
import { runClientStep } from './client-steps.js';
import type { ClusterAdapter } from './cluster-adapter.js';
import { runHeal, runIsolate, runPartition, runProcessStep } from './fault-steps.js';
import type { StepFailureInfo, StepResult } from './results.js';
import { deriveSeed, seededRandom } from './rng.js';
import { proxyUrlOf, type RunState, type StepOutcome } from './run-state.js';
import { describeError, Interrupted, pause, pollUntil, StepFailure, type Attempt } from './step-failure.js';

export interface EngineOptions {
  readonly seed: number;
  /** Aborted on Ctrl+C: the running step ends as interrupted, the rest are skipped. */
  readonly signal: AbortSignal;
  /** Live progress of the running step (the checklist shows it under the step). */
  readonly onProgress?: (step: Step, text: string) => void;
  /** First retry backoff, doubled per retry, capped at 1 s (default 100 ms). */
  readonly retryBackoffMs?: number;
  /** Extra time after `within` before a hung step is abandoned (default 1 s). */
  readonly graceMs?: number;
}

/** How long a failure waits for the status table (the cluster may be in a bad way). */
const STATUS_AT_FAILURE_MS = 3_000;

export class ScenarioRun {
  readonly scenario: Scenario;
  readonly state: RunState;
  readonly #opts: EngineOptions;
  #failed: StepResult | null = null;
  #interrupted = false;
  #loadCount = 0;

  constructor(scenario: Scenario, adapter: ClusterAdapter, opts: EngineOptions) {
    this.scenario = scenario;
    this.#opts = opts;
    this.state = {
      adapter,
      random: seededRandom(opts.seed),
      seed: opts.seed,
      vars: new Map(),
      history: new HistoryRecorder(),
      expectedFailures: new Set(),
      loads: new Map(),
      initial: new Map(),
      proxyUrl: undefined,
    };
  }

  /** The step's checklist title: its `name:` or a generated one. */
  static title(step: Step): string {
    return step.label ?? describeStep(step);
  }

  /** `leader-crash › step 4 › await leader elected within 3s` */
  path(step: Step): string {
    return `${this.scenario.name} › step ${step.index + 1} › ${ScenarioRun.title(step)}`;
  }

  /** The first failed step, if any. */
  get failure(): StepResult | null { return this.#failed; }
  get interrupted(): boolean { return this.#interrupted; }

  /**
   * Attached to a running cluster: keys may hold values from earlier runs. Read every key the
   * scenario names (through the proxy, linearizable) so `check: linearizable` starts from them.
   */
  async readInitialValues(timeoutMs = 10_000): Promise<void> {
    const keys = scenarioKeys(this.scenario);
    if (keys.length === 0) return;
    const url = proxyUrlOf(this.state, await this.state.adapter.status());
    if (url === undefined) throw new Error('the attached cluster has no proxy');
    const kv = this.state.adapter.endpoint(url);
    const a = this.#attempt(Date.now() + timeoutMs, undefined);
    for (const key of keys) {
      await pollUntil(a, `a read of ${key} through the proxy`, async () => {
        try {
          this.state.initial.set(key, await kv.get(key, { timeoutMs: 3000 }));
          return { done: true, seen: '' };
        } catch (err) {
          return { done: false, seen: describeError(err) };
        }
      });
    }
  }

  /** Run step `index` (0-based), or report it skipped when an earlier one failed or the run was interrupted. */
  async runStep(index: number): Promise<StepResult> {
    const step = this.scenario.steps[index];
    if (step === undefined) throw new RangeError(`no step ${index}`);
    const base = { number: index + 1, kind: step.kind, title: ScenarioRun.title(step), line: step.source.line };
    if (this.#interrupted || this.#opts.signal.aborted) {
      this.#interrupted = true;
      return { ...base, status: 'skipped', durationMs: 0, attempts: 0, reason: 'interrupted' };
    }
    if (this.#failed !== null) return { ...base, status: 'skipped', durationMs: 0, attempts: 0, reason: `step ${this.#failed.number} failed` };

    const t0 = Date.now();
    const tries = step.kind === 'load' ? 1 : 1 + step.retry;
    let last: StepFailure | undefined;
    for (let attempt = 1; attempt <= tries; attempt++) {
      if (attempt > 1) {
        this.#opts.onProgress?.(step, `attempt ${attempt} of ${tries} (the last one saw ${last?.seen ?? '?'})`);
        await pause(Math.min(1000, (this.#opts.retryBackoffMs ?? 100) * 2 ** (attempt - 2)), this.#opts.signal);
      }
      try {
        const outcome = await this.#attemptStep(step);
        this.#bind(step, outcome);
        return { ...base, status: 'passed', durationMs: Date.now() - t0, attempts: attempt, detail: outcome.detail };
      } catch (err) {
        if (err instanceof Interrupted || this.#opts.signal.aborted) {
          this.#interrupted = true;
          return { ...base, status: 'interrupted', durationMs: Date.now() - t0, attempts: attempt, reason: 'interrupted (Ctrl+C)' };
        }
        // Anything but a StepFailure (a supervisor that stopped answering, a runner bug) fails the step
        // as well, with its message as what was seen: the report must still say where it happened.
        last = err instanceof StepFailure ? err : new StepFailure(expectedOf(step), describeError(err));
      }
    }
    const failure = await this.#failureInfo(step, last ?? new StepFailure(expectedOf(step), 'no result'), tries);
    const result: StepResult = { ...base, status: 'failed', durationMs: Date.now() - t0, attempts: tries, failure };
    this.#failed = result;
    return result;
  }

  /** Stop every load (the scenario is over) and give in-flight operations a moment to settle. */
  async finish(): Promise<void> {
    for (const l of this.state.loads.values()) l.stop();
    await Promise.race([
      Promise.all([...this.state.loads.values()].map((l) => l.whenDone())),
      pause(2_000, this.#opts.signal),
    ]);
  }

  async #attemptStep(step: Step): Promise<StepOutcome> {
    if (step.kind === 'load') return this.#startLoad(step);
    const deadline = Date.now() + step.within;
    const a = this.#attempt(deadline, step);
    const grace = this.#opts.graceMs ?? 1_000;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    // A backstop for a step that hangs past its deadline (every step watches its own deadline; this
    // catches a supervisor call that does not return), and Ctrl+C ends the step at once instead of
    // after its in-flight request.
    const stopped = new Promise<never>((_, reject) => {
      const m = hungMessage(step);
      timer = setTimeout(() => reject(new StepFailure(m.expected, m.seen)), step.within + grace);
      onAbort = () => reject(new Interrupted());
      this.#opts.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.#execute(step, a), stopped]);
    } finally {
      clearTimeout(timer);
      if (onAbort !== undefined) this.#opts.signal.removeEventListener('abort', onAbort);
    }
  }

  #execute(step: Exclude<Step, { kind: 'load' }>, a: Attempt): Promise<StepOutcome> {
    switch (step.kind) {
      case 'put': case 'get': case 'delete': case 'cas':
        return runClientStep(this.state, step, a);
      case 'kill': case 'start': case 'stop': case 'restart': case 'pause': case 'resume':
        return runProcessStep(this.state, step, a);
      case 'partition': return runPartition(this.state, step, a);
      case 'isolate': return runIsolate(this.state, step, a);
      case 'heal': return runHeal(this.state, step);
      case 'await': return runAwait(this.state, step, a);
      case 'stop_load': return this.#stopLoads(step.loads, a);
      case 'check': return runCheck(this.state, step, a);
    }
  }

  async #startLoad(step: Extract<Step, { kind: 'load' }>): Promise<StepOutcome> {
    const url = this.state.proxyUrl ?? proxyUrlOf(this.state, await this.state.adapter.status());
    if (url === undefined) throw new StepFailure('a proxy to send the load through', 'the cluster has no proxy');
    const load = new BackgroundLoad(step, this.state.adapter.endpoint(url), this.state.history, deriveSeed(this.#opts.seed, `load:${this.#loadCount++}:${step.name}`));
    this.state.loads.set(step.name, load);
    return { detail: `started ${step.clients} clients on ${step.keys.length} keys`, acted: [], leader: undefined };
  }

  async #stopLoads(names: readonly string[], a: Attempt): Promise<StepOutcome> {
    const loads = names.map((n) => this.state.loads.get(n)).filter((l): l is BackgroundLoad => l !== undefined);
    for (const l of loads) l.stop();
    await pollUntil(a, `load ${names.join(', ')} to finish its in-flight operations`, () =>
      Promise.resolve({ done: loads.every((l) => l.finished), seen: loads.map((l) => l.describe()).join('; ') }));
    return { detail: loads.map((l) => l.describe()).join('; '), acted: [], leader: undefined };
  }

  #attempt(deadline: number, step: Step | undefined): Attempt {
    const onProgress = this.#opts.onProgress;
    return {
      deadline,
      signal: this.#opts.signal,
      progress: (text) => { if (step !== undefined) onProgress?.(step, text); },
    };
  }

  #bind(step: Step, outcome: StepOutcome): void {
    for (const name of step.binds) {
      if (name === 'leader') {
        if (outcome.leader !== undefined) this.state.vars.set('leader', [outcome.leader]);
      } else {
        this.state.vars.set(name, outcome.acted);
      }
    }
  }

  async #failureInfo(step: Step, f: StepFailure, attempts: number): Promise<StepFailureInfo> {
    let status: ClusterStatus | null = null;
    let statusTable: string;
    try {
      status = await Promise.race([
        this.state.adapter.status(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${formatDuration(STATUS_AT_FAILURE_MS)}`)), STATUS_AT_FAILURE_MS).unref()),
      ]);
      statusTable = renderStatusTable(status);
    } catch (err) {
      statusTable = `(the cluster status could not be read: ${describeError(err)})`;
    }
    return { path: this.path(step), expected: f.expected, seen: f.seen, attempts, status, statusTable };
  }
}

/** A generic expectation, for failures that did not come with one. */
function expectedOf(step: Step): string {
  return `${describeStep(step)} to succeed`;
}

/** What a step that never returned was doing (the backstop's message). */
function hungMessage(step: Exclude<Step, { kind: 'load' }>): { expected: string; seen: string } {
  const within = formatDuration(step.within);
  switch (step.kind) {
    case 'kill': case 'start': case 'stop': case 'restart': case 'pause': case 'resume':
      return { expected: `${describeStep(step)} done within ${within}`, seen: `the supervisor had not finished after ${within} (see \`raft-sup logs\` for the process)` };
    default:
      return { expected: expectedOf(step), seen: `no result within ${within}` };
  }
}

/** Every key a scenario names (steps, awaits, loads), for reading initial values on an attached cluster. */
export function scenarioKeys(scenario: Scenario): string[] {
  const keys = new Set<string>();
  for (const s of scenario.steps) {
    if (s.kind === 'put' || s.kind === 'get' || s.kind === 'delete' || s.kind === 'cas') keys.add(s.key);
    else if (s.kind === 'load') for (const k of s.keys) keys.add(k);
    else if (s.kind === 'await' && s.condition.kind === 'key-value') keys.add(s.condition.key);
  }
  return [...keys];
}
