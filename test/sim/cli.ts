// `npm run sim -- --seeds N --first-seed S [--nodes 3|5] [--ticks T] [--bug NAME] [--trace]`:
// runs N seeded simulations, prints progress, every failure with its replay command, and the rate.
// With --jobs J (default: every core) the seeds are split into J contiguous slices, each run by a
// child process of this same script; failures and the replay commands are the same either way.
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BUG_NAMES, describeParams, drawParams, type BugName } from './params.js';
import { replayCommand } from './replay.js';
import { DEFAULT_TICKS, runSimulation, type SimResult } from './simulation.js';

const USAGE = 'usage: npm run sim -- --seeds N [--first-seed S] [--nodes 3|5] [--ticks T] [--bug NAME] [--trace] [--jobs J]';

interface CliArgs {
  seeds: number;
  firstSeed: number;
  nodes: number | undefined;
  ticks: number | undefined;
  bug: BugName | undefined;
  trace: boolean;
  jobs: number;
  /** A job of a parallel run: stop when the parent is gone (checked between seeds: the loop is synchronous). */
  lifeline: boolean;
}

function parse(argv: string[]): CliArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      seeds: { type: 'string' },
      'first-seed': { type: 'string' },
      nodes: { type: 'string' },
      ticks: { type: 'string' },
      bug: { type: 'string' },
      trace: { type: 'boolean', default: false },
      jobs: { type: 'string' },
      lifeline: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, v: string | undefined, min: number, fallback?: number): number => {
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      throw new Error(`--${name} is required`);
    }
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  const nodes = values.nodes === undefined ? undefined : int('nodes', values.nodes, 1);
  if (nodes !== undefined && nodes !== 3 && nodes !== 5) throw new Error(`--nodes must be 3 or 5, got ${nodes}`);
  const bug = values.bug;
  if (bug !== undefined && !(BUG_NAMES as readonly string[]).includes(bug)) {
    throw new Error(`--bug must be one of ${BUG_NAMES.join(', ')}, got ${JSON.stringify(bug)}`);
  }
  return {
    seeds: int('seeds', values.seeds, 1),
    firstSeed: int('first-seed', values['first-seed'], 0, 1),
    nodes,
    ticks: values.ticks === undefined ? undefined : int('ticks', values.ticks, 1),
    bug: bug as BugName | undefined,
    trace: values.trace === true,
    jobs: int('jobs', values.jobs, 1, availableParallelism()),
    lifeline: values.lifeline === true,
  };
}

async function main(): Promise<number> {
  let args: CliArgs;
  try {
    args = parse(process.argv.slice(2));
  } catch (e) {
    console.error(`sim: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const jobs = Math.min(args.jobs, args.seeds);
  if (jobs > 1 && !args.trace) return runInParallel(args, jobs);
  return runHere(args);
}

function runHere(args: CliArgs): number {
  const ticks = args.ticks ?? DEFAULT_TICKS;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let lastReport = t0;
  const failures: SimResult[] = [];
  let totalOps = 0;
  console.log(`sim: ${args.seeds} seed(s) from ${args.firstSeed}, ${ticks} ticks each${args.nodes ? `, ${args.nodes} nodes` : ', 3 or 5 nodes'}${args.bug ? `, planted bug ${args.bug}` : ''}`);
  const parent = process.ppid;
  for (let i = 0; i < args.seeds; i++) {
    // Killed, the parent takes its jobs with it: they would otherwise run on for many minutes.
    if (args.lifeline && process.ppid !== parent) return 130;
    const seed = args.firstSeed + i;
    const trace = args.trace ? (line: string) => console.log(line) : undefined;
    if (args.trace) console.log(`seed=${seed} ${describeParams(drawParams(seed, args.nodes))}`);
    const res = runSimulation({ seed, ticks, ...(args.nodes ? { nodes: args.nodes } : {}), ...(args.bug ? { bug: args.bug } : {}), ...(trace ? { trace } : {}) });
    totalOps += res.stats.completedOps;
    if (!res.ok) {
      failures.push(res);
      console.log(`\nFAIL seed=${seed} (${res.phase}, tick ${res.tick}): ${res.failure}`);
      console.log(`  ${describeParams(res.params)}`);
      console.log(`  replay: ${replayCommand({ seed, nodes: args.nodes, ticks: args.ticks, bug: args.bug })}\n`);
    } else if (args.seeds === 1) {
      const s = res.stats;
      console.log(
        `seed=${seed} ok: ${describeParams(res.params)}\n  ${s.leaders} leaders (max term ${s.maxTerm}), ${s.committed} committed, ${s.completedOps}/${s.ops} client ops, ` +
          `${s.crashes} crashes, ${s.snapshotsTaken} snapshots taken, ${s.snapshotsInstalled} installed, ${s.transfers} transfers, converged in ${s.livenessTicks} ticks`,
      );
    }
    const now = performance.now();
    if (now - lastReport > 5000 && !args.trace) {
      lastReport = now;
      console.log(`  ${i + 1}/${args.seeds} seeds, ${failures.length} failure(s), ${rate(i + 1, now - t0)} seeds/min`);
    }
  }
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    `sim: ${args.seeds} seed(s), ${failures.length} failure(s), ${(elapsed / 1000).toFixed(1)} s, ${rate(args.seeds, elapsed)} seeds/min ` +
      `(${rate(args.seeds, cpuMs)} per CPU-minute), ${totalOps} client ops completed`,
  );
  if (failures.length > 0) console.log(`failing seeds: ${failures.map((f) => f.seed).join(' ')}`);
  return failures.length > 0 ? 1 : 0;
}

/** Splits the seeds into `jobs` contiguous slices, one child process each; prefixes their output. */
async function runInParallel(args: CliArgs, jobs: number): Promise<number> {
  const t0 = performance.now();
  const script = fileURLToPath(import.meta.url);
  const per = Math.ceil(args.seeds / jobs);
  console.log(`sim: ${args.seeds} seed(s) from ${args.firstSeed} in ${jobs} parallel jobs`);
  const runs: Promise<{ code: number; failing: string[]; ops: number }>[] = [];
  for (let j = 0; j < jobs; j++) {
    const first = args.firstSeed + j * per;
    const count = Math.min(per, args.firstSeed + args.seeds - first);
    if (count <= 0) continue;
    const childArgs = [script, '--seeds', String(count), '--first-seed', String(first), '--jobs', '1', '--lifeline'];
    if (args.nodes !== undefined) childArgs.push('--nodes', String(args.nodes));
    if (args.ticks !== undefined) childArgs.push('--ticks', String(args.ticks));
    if (args.bug !== undefined) childArgs.push('--bug', args.bug);
    runs.push(
      new Promise((resolve) => {
        const child = spawn(process.execPath, childArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
        const failing: string[] = [];
        let ops = 0;
        let buf = '';
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            const f = /^failing seeds: (.*)$/.exec(line);
            if (f?.[1]) failing.push(...f[1].split(' '));
            const o = /, (\d+) client ops completed$/.exec(line);
            if (o?.[1]) ops = Number(o[1]);
            console.log(`[job ${j + 1}] ${line}`);
          }
        });
        child.on('exit', (code) => resolve({ code: code ?? 1, failing, ops }));
      }),
    );
  }
  const results = await Promise.all(runs);
  const failing = results.flatMap((r) => r.failing);
  const elapsed = performance.now() - t0;
  console.log(
    `sim: ${args.seeds} seed(s) in ${jobs} jobs, ${failing.length} failure(s), ${(elapsed / 1000).toFixed(1)} s, ${rate(args.seeds, elapsed)} seeds/min, ` +
      `${results.reduce((a, r) => a + r.ops, 0)} client ops completed`,
  );
  if (failing.length > 0) console.log(`failing seeds: ${failing.join(' ')}`);
  if (results.some((r) => r.code === 2)) return 2;
  return failing.length > 0 || results.some((r) => r.code !== 0) ? 1 : 0;
}

function rate(n: number, ms: number): string {
  return ms > 0 ? Math.round((n * 60_000) / ms).toLocaleString('en-US') : '∞';
}

process.exitCode = await main();
