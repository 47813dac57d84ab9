// `raft-sup bench`: throughput and latency percentiles under closed-loop load, or failover time;
// `raft-sup bench-all` (hidden, what `npm run bench` runs): the standard set of figures.
import { Option, type Command } from 'commander';
import { BENCH_DEFAULTS, TARGETS, WORKLOADS, parseBenchAllFlags, parseBenchFlags, runBench, runBenchAll, type BenchAllFlags, type BenchFlags, type BenchIo } from '../../bench/index.js';

/** Ctrl+C ends the load early (results so far are still printed); a second one leaves at once. */
async function withInterrupt(run: (io: BenchIo) => Promise<number>): Promise<number> {
  const ac = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write('\nraft-sup bench: interrupted; stopping the load and the cluster (Ctrl+C again to leave now)\n');
      ac.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await run({ out: process.stdout, err: process.stderr, tty: process.stderr.isTTY === true, signal: ac.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function register(program: Command): void {
  program
    .command('bench')
    .description('throughput and latency percentiles under closed-loop load (a fresh cluster by default), or failover time with --failover N')
    .option('--clients <n>', 'concurrent clients, each sending its next request when the last one answers', String(BENCH_DEFAULTS.clients))
    .option('--duration <d>', 'measured window (after the warm-up): 500ms, 10s, 1m', '10s')
    .option('--warmup <d>', 'load before the window opens, not measured (0 for none)', '2s')
    .option('--workload <w>', `${WORKLOADS.join(' | ')} — write: PUT; read: linearizable GET; stale-read: GET ?consistency=stale; mixed: half writes, half linearizable reads`, BENCH_DEFAULTS.workload)
    .option('--keys <n>', 'size of the key space, chosen uniformly (reads find every key: it is written first)', String(BENCH_DEFAULTS.keys))
    .option('--value-size <bytes>', 'bytes per written value', String(BENCH_DEFAULTS.valueSize))
    .option('--target <t>', `${TARGETS.join(' | ')} — proxy: the front door; leader: straight to the leader node (following leader hints)`, BENCH_DEFAULTS.target)
    .option('--attach', 'use the cluster running in --dir (raft-sup up -d) instead of starting a fresh one; it keeps running afterwards')
    .option('--dir <dir>', 'with --attach: state dir of that cluster (default ./.raft-sup); otherwise: state dir for the fresh cluster (default: a temp dir, removed after)')
    .option('--nodes <n>', 'nodes of the fresh cluster, 1..9', String(BENCH_DEFAULTS.nodes))
    .option('--failover <n>', 'instead of a throughput run: SIGKILL the leader N times under write load and report kill → first successful write')
    .option('--json', 'print the result as one JSON document on stdout (progress stays on stderr)')
    .option('--report <dir>', 'also write bench.json and latency.svg (latency and throughput over time) into this dir')
    .addOption(new Option('--profile <dir>', 'fresh cluster only: run every node and the proxy with --cpu-prof, write the profiles here and print the top functions'))
    .addHelpText('after', [
      '',
      'Examples:',
      '  raft-sup bench                                   # 64 writers through the proxy, 10 s, fresh cluster',
      '  raft-sup bench --clients 1 --duration 5s         # sequential writes: the latency of one write',
      '  raft-sup bench --workload read --target proxy    # linearizable reads (followers, ReadIndex)',
      '  raft-sup bench --failover 10                     # kill the leader 10 times under load',
      '  raft-sup bench --json --report out/              # JSON on stdout, out/latency.svg',
      '  raft-sup up -d && raft-sup bench --attach --duration 30s',
    ].join('\n'))
    .action(async (raw: BenchFlags & { nodes?: string; duration?: string; warmup?: string; clients?: string; keys?: string; valueSize?: string }, cmd: Command) => {
      // Defaults shown in --help are passed on only when the user typed the flag, so option checks
      // ("--nodes with --attach") see what was really given.
      const given = (name: string): boolean => cmd.getOptionValueSource(name) === 'cli';
      const flags: BenchFlags = {};
      for (const k of ['clients', 'duration', 'warmup', 'workload', 'keys', 'valueSize', 'target', 'dir', 'nodes', 'failover', 'report', 'profile'] as const) {
        if (given(k) && raw[k] !== undefined) flags[k] = raw[k] as string;
      }
      if (raw.attach === true) flags.attach = true;
      if (raw.json === true) flags.json = true;
      const options = parseBenchFlags(flags);
      process.exitCode = await withInterrupt((io) => runBench(options, io));
    });

  program
    .command('bench-all', { hidden: true })
    .description('the standard benchmark set (npm run bench): one line per figure beside its target and etcd\'s reference')
    .option('--duration <d>', 'measured window of each throughput figure', '10s')
    .option('--warmup <d>', 'warm-up before each throughput figure (the first on the fresh cluster gets at least 8 s, while V8 compiles the hot paths)', '2s')
    .option('--clients <n>', 'clients of the concurrent figures', '64')
    .option('--failovers <n>', 'kills of the leader for the failover median', '10')
    .option('--catch-up-writes <n>', 'writes a stopped follower misses before the catch-up figure', '10000')
    .option('--catch-ups <n>', 'rounds of the catch-up figure (the median is reported)', '5')
    .option('--no-warm-spares', 'run the cluster without warm spares (up --no-warm-spares): every restart pays Node\'s start-up')
    .option('--memory-writes <n>', 'writes before node memory is read (the target is stated for 1000000)', '1000000')
    .option('--only <list>', 'comma list of write, leader, seq, read, failover, catchup, memory, storage')
    .option('--json', 'one JSON document on stdout')
    .action(async (flags: BenchAllFlags) => {
      const options = parseBenchAllFlags(flags);
      process.exitCode = await withInterrupt((io) => runBenchAll(options, io));
    });
}
