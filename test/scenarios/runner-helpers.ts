// Running a scenario's steps against a fake cluster, for the runner's unit tests.
import { ScenarioRun, type Scenario, type StepResult } from '../../src/scenarios/index.js';
import { FakeCluster } from './fake-cluster.js';
import { parse, withSteps } from './helpers.js';

export interface FakeRun {
  run: ScenarioRun;
  cluster: FakeCluster;
  results: StepResult[];
  scenario: Scenario;
}

/** Parse the steps, run them all in order on `cluster`, finish the run. */
export async function runOnFake(steps: readonly string[], cluster = new FakeCluster(), seed = 1): Promise<FakeRun> {
  const scenario = parse(withSteps(...steps));
  const run = new ScenarioRun(scenario, cluster, { seed, signal: new AbortController().signal, retryBackoffMs: 1 });
  const results: StepResult[] = [];
  try {
    for (let i = 0; i < scenario.steps.length; i++) results.push(await run.runStep(i));
  } finally {
    await run.finish();
  }
  return { run, cluster, results, scenario };
}

/** "passed passed failed skipped" — the statuses in order, for one-line assertions. */
export function statuses(results: readonly StepResult[]): string {
  return results.map((r) => r.status).join(' ');
}
