// One scenario from cluster to verdict, as checklist tasks: get a cluster (fresh or attached), run
// each step through the engine, tear the cluster down (always), and assemble the ScenarioResult.

import { join } from 'node:path';
import type { ListrTask } from 'listr2';
import { SupervisorError } from '../../supervisor/index.js';
import type { Scenario } from '../types.js';
import { attachCluster, startFreshCluster, type ScenarioCluster } from './cluster-lifecycle.js';
import type { ClusterAdapter } from './cluster-adapter.js';
import { ScenarioRun } from './engine.js';
import type { ScenarioResult, StepResult } from './results.js';
import { describeError } from './step-failure.js';

/** Where the cluster comes from: the real ones, or (tests) an adapter made on the spot. */
export type ClusterSource =
  | {
    readonly kind: 'fresh'; readonly readyTimeoutMs?: number; readonly stopGraceMs?: number; readonly tmpRoot?: string;
    readonly nodeArgs?: readonly string[];
    /** Keep each cluster's log as `<dir>/<scenario>.log` (the state dir itself is deleted). */
    readonly logsTo?: string;
  }
  | { readonly kind: 'attach'; readonly dir: string }
  | { readonly kind: 'custom'; readonly open: (scenario: Scenario) => Promise<ScenarioCluster | CustomCluster> };

/** A cluster provided by a test: an adapter and how to dispose of it. */
export interface CustomCluster {
  readonly mode: 'fresh' | 'attached';
  readonly adapter: ClusterAdapter;
  readonly dir: string | null;
  readonly nodes: number;
  readonly summary: string;
  teardown(): Promise<void>;
}

export interface JobOptions {
  readonly seed: number;
  readonly source: ClusterSource;
  readonly signal: AbortSignal;
  /** The command that replays this run (printed with the seed on failure). */
  readonly replay: string;
  /** Forward step progress to the checklist (the live renderer); plain renderers would print every poll. */
  readonly liveProgress: boolean;
  readonly retryBackoffMs?: number;
}

export class ScenarioJob {
  readonly scenario: Scenario;
  readonly #opts: JobOptions;
  #cluster: ScenarioCluster | CustomCluster | null = null;
  #run: ScenarioRun | null = null;
  readonly #steps: (StepResult | undefined)[];
  #error: string | undefined;
  #interrupted = false;
  #t0 = 0;
  #t1 = 0;
  #startedAt = new Date();
  #torn: Promise<void> | null = null;
  /** The running step's output slot in the live checklist. */
  #progress: ((text: string) => void) | undefined;

  constructor(scenario: Scenario, opts: JobOptions) {
    this.scenario = scenario;
    this.#opts = opts;
    this.#steps = scenario.steps.map(() => undefined);
  }

  /** setup, one task per step, teardown (and in `all`, a verdict line that fails the scenario's row). */
  tasks(withVerdict: boolean): ListrTask[] {
    const s = this.scenario;
    const fresh = this.#opts.source.kind !== 'attach';
    const tasks: ListrTask[] = [{
      title: fresh ? `start a fresh ${s.cluster.nodes}-node cluster` : `attach to the running cluster`,
      exitOnError: false,
      task: async (_ctx, task) => {
        this.#t0 = Date.now();
        this.#startedAt = new Date();
        if (this.#opts.signal.aborted) {
          this.#interrupted = true;
          task.skip('interrupted');
          return;
        }
        try {
          await this.#setUp((text) => { task.output = text; });
          task.title = `cluster: ${this.#cluster?.summary ?? '?'}`;
        } catch (err) {
          this.#error = describeError(err);
          throw new Error(this.#error);
        }
      },
    }];
    s.steps.forEach((step, i) => {
      tasks.push({
        title: ScenarioRun.title(step),
        exitOnError: false,
        task: async (_ctx, task) => {
          const run = this.#run;
          if (run === null || this.#error !== undefined) {
            const reason = this.#interrupted || this.#opts.signal.aborted ? 'interrupted' : run === null ? 'the cluster is not available' : 'the runner failed';
            this.#steps[i] = { number: i + 1, kind: step.kind, title: ScenarioRun.title(step), line: step.source.line, status: 'skipped', durationMs: 0, attempts: 0, reason };
            task.skip(reason);
            return;
          }
          this.#progress = (text) => { task.output = text; };
          let r: StepResult;
          try {
            r = await run.runStep(i);
          } catch (err) {
            // A bug in the runner, not a verdict on the cluster: never let it read as a pass.
            this.#error ??= `the runner failed at step ${i + 1}: ${describeError(err)}`;
            throw err;
          } finally {
            this.#progress = undefined;
          }
          this.#steps[i] = r;
          if (r.status === 'skipped') task.skip(r.reason ?? 'skipped');
          else if (r.status === 'interrupted') throw new Error('interrupted (Ctrl+C)');
          else if (r.status === 'failed') throw new Error(`expected ${r.failure?.expected ?? '?'}; saw ${r.failure?.seen ?? '?'}`);
          else if (r.detail !== undefined && r.detail !== '') task.title = `${task.title} — ${cut(r.detail, 100)}`;
        },
      });
    });
    tasks.push({
      title: fresh ? 'stop the cluster and delete its state' : 'leave the attached cluster running',
      exitOnError: false,
      task: async () => {
        await this.teardown();
      },
    });
    if (withVerdict) {
      tasks.push({
        title: 'verdict',
        task: (_ctx, task) => {
          const r = this.result();
          task.title = `${r.status === 'passed' ? 'passed' : r.status}${r.status === 'failed' ? ` at step ${r.steps.find((x) => x.status === 'failed')?.number ?? '?'}` : ''}`;
          if (r.status !== 'passed') throw new Error(task.title);
        },
      });
    }
    return tasks;
  }

  /** Stop loads, stop (fresh) or release (attached) the cluster. Idempotent; never throws. */
  teardown(): Promise<void> {
    this.#torn ??= (async () => {
      try {
        await this.#run?.finish();
        await this.#cluster?.teardown();
      } catch (err) {
        this.#error ??= `tearing the cluster down failed: ${describeError(err)}`;
      } finally {
        if (this.#run !== null && this.#run.interrupted) this.#interrupted = true;
        this.#t1 = Date.now();
      }
    })();
    return this.#torn;
  }

  result(): ScenarioResult {
    const s = this.scenario;
    const steps = this.#steps.map((r, i) => r ?? notRun(s, i, this.#interrupted ? 'interrupted' : this.#error !== undefined ? 'the cluster is not available' : 'not run'));
    const failed = steps.some((r) => r.status === 'failed');
    const interrupted = this.#interrupted || steps.some((r) => r.status === 'interrupted');
    const status = interrupted ? 'interrupted' : this.#error !== undefined && !failed ? 'error' : failed ? 'failed' : 'passed';
    const c = this.#cluster;
    const out: ScenarioResult = {
      name: s.name, description: s.description, file: s.file, status, seed: this.#opts.seed,
      startedAt: this.#startedAt.toISOString(), durationMs: (this.#t1 || Date.now()) - (this.#t0 || Date.now()),
      cluster: { mode: this.#opts.source.kind === 'attach' ? 'attached' : 'fresh', nodes: c?.nodes ?? s.cluster.nodes, dir: c?.dir ?? null },
      steps, replay: this.#opts.replay,
    };
    const src = this.#opts.source;
    const withLog = src.kind === 'fresh' && src.logsTo !== undefined && this.#cluster !== null ? { ...out, log: this.#logPath(src.logsTo) } : out;
    return this.#error === undefined ? withLog : { ...withLog, error: this.#error };
  }

  #logPath(dir: string): string {
    return join(dir, `${this.scenario.name}.log`);
  }

  async #setUp(progress: (text: string) => void): Promise<void> {
    const s = this.scenario;
    const src = this.#opts.source;
    if (src.kind === 'fresh') {
      this.#cluster = await startFreshCluster({
        nodes: s.cluster.nodes, onProgress: progress,
        ...(src.readyTimeoutMs !== undefined ? { readyTimeoutMs: src.readyTimeoutMs } : {}),
        ...(src.stopGraceMs !== undefined ? { stopGraceMs: src.stopGraceMs } : {}),
        ...(src.tmpRoot !== undefined ? { tmpRoot: src.tmpRoot } : {}),
        ...(src.nodeArgs !== undefined ? { nodeArgs: src.nodeArgs } : {}),
        ...(src.logsTo !== undefined ? { saveLogTo: this.#logPath(src.logsTo) } : {}),
      });
    } else if (src.kind === 'attach') {
      this.#cluster = await attachCluster(src.dir);
      if (s.clusterExplicit && this.#cluster.nodes !== s.cluster.nodes) {
        throw new SupervisorError('USAGE', `${s.name} needs a ${s.cluster.nodes}-node cluster and the one in ${this.#cluster.dir} has ${this.#cluster.nodes} nodes; run it without --attach (a fresh cluster of the right size)`);
      }
    } else {
      this.#cluster = await src.open(s);
    }
    const run = new ScenarioRun(s, this.#cluster.adapter, {
      seed: this.#opts.seed,
      signal: this.#opts.signal,
      ...(this.#opts.retryBackoffMs !== undefined ? { retryBackoffMs: this.#opts.retryBackoffMs } : {}),
      ...(this.#opts.liveProgress ? { onProgress: (_step, text) => this.#progress?.(text) } : {}),
    });
    if (this.#cluster.mode === 'attached') {
      progress('reading the current value of every key the scenario uses');
      await run.readInitialValues();
    }
    this.#run = run;
  }
}

function notRun(s: Scenario, i: number, reason: string): StepResult {
  const step = s.steps[i];
  return { number: i + 1, kind: step?.kind ?? 'put', title: step === undefined ? '?' : ScenarioRun.title(step), line: step?.source.line ?? 0, status: 'skipped', durationMs: 0, attempts: 0, reason };
}

function cut(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
