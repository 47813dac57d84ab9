// `raft-sup scenario NAME|FILE [--attach [--dir D]] [--report DIR] [--seed N]`, `scenario list`,
// `scenario all`: YAML scenarios as live checklists against a fresh cluster (or the running one).
// Every file is parsed before anything starts: a malformed one is exit 2 with file:line and a code frame.
// The scenarios area (listr2, the YAML parser, the runner) is imported only when this command runs:
// every node and proxy process starts through the same CLI entry and should not pay for it.
import { existsSync, mkdirSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { RendererChoice, Scenario } from '../../scenarios/index.js';
import { UsageError } from '../../shared/index.js';
import { DEFAULT_DIR, parseIntFlag, SupervisorClient } from '../../supervisor/index.js';

/** RENDERER_CHOICES of the runner, spelled here so registering the command loads nothing of it. */
const RENDERERS = ['auto', 'default', 'simple', 'verbose', 'silent'] satisfies RendererChoice[];

interface ScenarioFlags { attach?: boolean; dir?: string; report?: string; seed?: string; renderer: string; unsafeStaleReads?: boolean }

export function register(program: Command): void {
  program
    .command('scenario')
    .description('run a YAML scenario as a live checklist (a fresh cluster by default); `scenario list` shows the built-ins, `scenario all` runs them all')
    .argument('<scenario>', 'a built-in name (leader-crash), a .yaml file, `list` or `all`')
    .option('--attach', 'run against the cluster already running (raft-sup up -d) and leave it running')
    .option('--dir <dir>', `with --attach: state dir of that cluster (default ${DEFAULT_DIR})`)
    .option('--report <dir>', 'write <name>.json per scenario, junit.xml (one testcase per step) and each fresh cluster\'s <name>.log into this dir')
    .option('--seed <n>', 'seed for every random choice (which follower, load values); printed on failure to replay a run')
    .option('--unsafe-stale-reads', 'plant the original project\'s bug in the fresh cluster\'s nodes (reads from local state) to see a scenario catch it')
    .addOption(new Option('--renderer <name>', 'checklist style: live on a terminal, plain lines otherwise').choices(RENDERERS).default('auto'))
    .addHelpText('after', [
      '',
      'Exit codes: 0 every step passed, 1 a step failed, 2 bad file or environment, 130 interrupted.',
      '',
      'Examples:',
      '  raft-sup scenario list',
      '  raft-sup scenario leader-crash',
      '  raft-sup scenario ./my-scenario.yaml --report out/',
      '  raft-sup scenario all --report out/        # every built-in, each on its own fresh cluster',
      '  raft-sup up -d && raft-sup scenario rejoin --attach',
    ].join('\n'))
    .action(async (what: string, flags: ScenarioFlags) => {
      process.exitCode = await scenarioCommand(what, flags);
    });
}

async function scenarioCommand(what: string, flags: ScenarioFlags): Promise<number> {
  const { builtinNames, exitCodeOf, formatScenarioError, loadScenario, runScenarios, ScenarioError, writeReports } = await import('../../scenarios/index.js');
  if (what === 'list') return listCommand();
  if (flags.unsafeStaleReads === true && flags.attach === true) {
    throw new UsageError('--unsafe-stale-reads plants a bug in the nodes of a fresh cluster; it cannot change a cluster you --attach to');
  }
  if (flags.dir !== undefined && flags.attach !== true) {
    throw new UsageError('--dir only applies with --attach (without it, each scenario gets a fresh cluster in a temp dir that is deleted afterwards)');
  }
  const seed = flags.seed === undefined ? undefined : parseIntFlag('--seed', flags.seed, 0, 2 ** 31 - 1);
  // Every file is parsed before a single process starts.
  let scenarios: Scenario[];
  try {
    scenarios = what === 'all' ? await Promise.all((await builtinNames()).map((n) => loadScenario(n))) : [await loadScenario(what)];
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    process.stderr.write(`raft-sup: ${formatScenarioError(err)}\n`);
    return 2;
  }
  if (scenarios.length === 0) throw new UsageError('no built-in scenarios found (the package\'s scenarios/ folder is missing)');
  if (flags.report !== undefined) {
    try {
      mkdirSync(flags.report, { recursive: true });
    } catch (err) {
      throw new UsageError(`--report ${flags.report}: cannot create the directory (${(err as Error).message})`);
    }
  }
  const dir = flags.dir ?? DEFAULT_DIR;
  if (flags.attach === true) await new SupervisorClient(dir).info(); // no cluster there: one line, exit 2, before anything

  const ac = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals += 1;
    if (signals === 1) {
      process.stderr.write(`\nraft-sup: ${sig}: stopping the scenario${flags.attach === true ? '' : ' and its cluster'}…\n`);
      ac.abort();
    } else {
      process.stderr.write(`raft-sup: still stopping the cluster, please wait\n`);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const results = await runScenarios(scenarios, {
      source: flags.attach === true ? { kind: 'attach', dir } : {
        kind: 'fresh',
        ...(flags.unsafeStaleReads === true ? { nodeArgs: ['--unsafe-stale-reads'] } : {}),
        ...(flags.report !== undefined ? { logsTo: flags.report } : {}),
      },
      renderer: flags.renderer as RendererChoice,
      signal: ac.signal,
      summary: what === 'all',
      ...(seed !== undefined ? { seed } : {}),
    });
    if (flags.report !== undefined) {
      const written = [...writeReports(flags.report, results), ...results.flatMap((r) => (r.log !== undefined && existsSync(r.log) ? [r.log] : []))];
      process.stdout.write(`report: ${written.join(', ')}\n`);
    }
    return exitCodeOf(results);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function listCommand(): Promise<number> {
  const { formatScenarioError, listBuiltins, ScenarioError } = await import('../../scenarios/index.js');
  let list;
  try {
    list = await listBuiltins();
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    process.stderr.write(`raft-sup: ${formatScenarioError(err)}\n`);
    return 2;
  }
  const width = Math.max(...list.map((b) => b.name.length), 4);
  for (const b of list) process.stdout.write(`${b.name.padEnd(width)}  ${b.description}\n`);
  process.stdout.write(`\nrun one: raft-sup scenario NAME · all of them: raft-sup scenario all · the files: ${list[0]?.file.replace(/[^/]+$/, '') ?? 'scenarios/'}\n`);
  return 0;
}
