// runScenarios: the one entry point the CLI (and the tests) use. Reads like its table of contents:
// pick a renderer, make one job per scenario, run them in order as one checklist (nested under
// each scenario's name when there are several), make sure every cluster is torn down whatever
// happened, then print the failure blocks and the verdict.

import { resolve, sep } from 'node:path';
import type { ListrTask } from 'listr2';
import { BUILTIN_DIR } from '../scenario-files.js';
import type { Scenario } from '../types.js';
import { listrOptions, pickRenderer, type RendererChoice } from './checklist.js';
import { formatFailure, formatSummary, formatVerdict } from './format-results.js';
import type { ScenarioResult } from './results.js';
import { randomSeed } from './rng.js';
import { ScenarioJob, type ClusterSource } from './scenario-job.js';

export interface RunScenariosOptions {
  /** Fresh clusters (default), the running one (`--attach`), or a test's own. */
  readonly source?: ClusterSource;
  /** Overrides every scenario's `seed`. */
  readonly seed?: number;
  readonly renderer?: RendererChoice;
  /** Where the checklist (plain renderers), failure blocks and verdicts go (default stdout). */
  readonly out?: NodeJS.WriteStream;
  readonly isTTY?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Abort = Ctrl+C: the running step is interrupted, the rest skipped, clusters torn down. */
  readonly signal?: AbortSignal;
  /** Print the summary table even for one scenario (`scenario all` does). */
  readonly summary?: boolean;
  readonly retryBackoffMs?: number;
}

export async function runScenarios(scenarios: readonly Scenario[], opts: RunScenariosOptions = {}): Promise<ScenarioResult[]> {
  const out = opts.out ?? process.stdout;
  const renderer = pickRenderer(opts.renderer ?? 'auto', opts.isTTY ?? process.stdout.isTTY === true, opts.env ?? process.env);
  const signal = opts.signal ?? new AbortController().signal;
  const source: ClusterSource = opts.source ?? { kind: 'fresh' };
  const t0 = Date.now();
  const jobs = scenarios.map((s) => {
    const seed = opts.seed ?? s.seed ?? randomSeed();
    return new ScenarioJob(s, {
      seed, source, signal, liveProgress: renderer === 'default',
      replay: replayCommand(s, seed, source),
      ...(opts.retryBackoffMs !== undefined ? { retryBackoffMs: opts.retryBackoffMs } : {}),
    });
  });
  const nested = jobs.length > 1;
  const write = (text: string): void => { if (renderer !== 'silent') out.write(text); };

  let tasks: ListrTask[];
  if (nested) {
    tasks = jobs.map((job) => ({
      title: job.scenario.name,
      exitOnError: false,
      task: (_ctx, task) => task.newListr(job.tasks(true), { exitOnError: true }),
    }));
  } else {
    const job = jobs[0];
    if (job !== undefined) write(`${job.scenario.name} — ${job.scenario.description}\n`);
    tasks = job?.tasks(false) ?? [];
  }
  try {
    const listr = await import('listr2');
    await new listr.Listr(tasks, listrOptions(listr, renderer, out, nested)).run();
  } catch {
    // Every task reports its own failure; the results below say what happened.
  } finally {
    // Normally each job's teardown task already ran; this catches a checklist that stopped early.
    await Promise.all(jobs.map((j) => j.teardown()));
  }
  const results = jobs.map((j) => j.result());
  const failures = results.map(formatFailure).filter((t) => t !== '');
  if (failures.length > 0) write(`\n${failures.join('\n')}`);
  if (nested || opts.summary === true) write(`\n${formatSummary(results, Date.now() - t0)}`);
  else for (const r of results) write(`${formatVerdict(r)}\n`);
  return results;
}

/** `raft-sup scenario leader-crash --seed 12` (a built-in by name, anything else by path). */
function replayCommand(s: Scenario, seed: number, source: ClusterSource): string {
  const file = resolve(s.file);
  const builtin = file === resolve(BUILTIN_DIR, `${s.name}.yaml`) && file.startsWith(resolve(BUILTIN_DIR) + sep);
  const what = builtin ? s.name : s.file;
  const attach = source.kind === 'attach' ? ` --attach --dir ${quote(source.dir)}` : '';
  const planted = source.kind === 'fresh' && source.nodeArgs !== undefined && source.nodeArgs.length > 0 ? ` ${source.nodeArgs.join(' ')}` : '';
  return `raft-sup scenario ${quote(what)} --seed ${seed}${attach}${planted}`;
}

/** A path as a shell word (quoted only when it needs to be). */
function quote(word: string): string {
  return /^[\w./@:+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
