// `npm run sim -- --seeds N --first-seed S [--nodes 3|5] [--ticks T] [--bug NAME] [--trace]`:
// runs N seeded simulations, prints progress, every failure with its replay command, and the rate.
import { parseArgs } from 'node:util';
import { BUG_NAMES, describeParams, drawParams, type BugName } from './params.js';
import { replayCommand } from './replay.js';
import { DEFAULT_TICKS, runSimulation, type SimResult } from './simulation.js';

const USAGE = 'usage: npm run sim -- --seeds N [--first-seed S] [--nodes 3|5] [--ticks T] [--bug NAME] [--trace]';

interface CliArgs {
  seeds: number;
  firstSeed: number;
  nodes: number | undefined;
  ticks: number | undefined;
  bug: BugName | undefined;
  trace: boolean;
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
  };
}

function main(): number {
  let args: CliArgs;
  try {
    args = parse(process.argv.slice(2));
  } catch (e) {
    console.error(`sim: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const ticks = args.ticks ?? DEFAULT_TICKS;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let lastReport = t0;
  const failures: SimResult[] = [];
  let totalOps = 0;
  console.log(`sim: ${args.seeds} seed(s) from ${args.firstSeed}, ${ticks} ticks each${args.nodes ? `, ${args.nodes} nodes` : ', 3 or 5 nodes'}${args.bug ? `, planted bug ${args.bug}` : ''}`);
  for (let i = 0; i < args.seeds; i++) {
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

function rate(n: number, ms: number): string {
  return ms > 0 ? Math.round((n * 60_000) / ms).toLocaleString('en-US') : '∞';
}

process.exitCode = main();
