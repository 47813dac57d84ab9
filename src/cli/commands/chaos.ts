// `raft-sup chaos`: randomized faults under concurrent recorded load, then the verdict
// (0 valid, 1 invalid, 2 unknown / environment error).
import type { Command } from 'commander';
import { NEMESIS_NAMES, parseChaosFlags, runChaos, type ChaosFlags } from '../../chaos/index.js';

export function register(program: Command): void {
  program
    .command('chaos')
    .description('randomized faults (kill -9, pause, partitions, whole-cluster restarts) under concurrent load; the history is checked for linearizability, lost writes and Raft invariants')
    .option('--duration <d>', 'how long the load and the faults run (30s, 2m, ...)', '60s')
    .option('--seed <n>', 'seed for the schedule, the fault parameters and the workload (default: random, printed)')
    .option('--nemesis <list>', `comma list of ${NEMESIS_NAMES.join(', ')} (or all, none)`, 'all')
    .option('--clients <n>', 'concurrent clients, 1..64', '8')
    .option('--keys <n>', 'size of the hot key set, 1..100', '5')
    .option('--nodes <n>', 'nodes of the cluster chaos starts, 1..9', undefined)
    .option('--report <dir>', 'write history.jsonl, schedule.yaml, results.json, logs/ and report.html here')
    .option('--attach', 'use the cluster running in --dir (raft-sup up -d) instead of starting one')
    .option('--dir <dir>', 'state dir: of the attached cluster (default ./.raft-sup), or for the cluster chaos starts (default: a temp dir, removed after)')
    .option('--unsafe-stale-reads', 'start the nodes with the planted stale-read bug: the run must fail')
    .option('--check-timeout <d>', 'deadline of the linearizability checker; past it the verdict is unknown', '30s')
    .addHelpText('after', '\nExit code: 0 valid, 1 a check failed, 2 unknown (checker deadline) or an environment error.\n\nExamples:\n  raft-sup chaos                                   # 60 s, every nemesis, random seed\n  raft-sup chaos --seed 7 --duration 2m --report out/\n  raft-sup chaos --unsafe-stale-reads --report out/  # must find a stale read\n  raft-sup up -d && raft-sup chaos --attach --nemesis partition')
    .action(async (flags: ChaosFlags) => {
      const options = parseChaosFlags(flags);
      const ac = new AbortController();
      let interrupts = 0;
      const onSignal = (): void => {
        interrupts += 1;
        if (interrupts === 1) {
          process.stderr.write('\nraft-sup chaos: interrupted; stopping the load and the cluster (Ctrl+C again to leave now)\n');
          ac.abort();
        } else process.exit(2);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const outcome = await runChaos(options, { out: process.stdout, err: process.stderr, tty: process.stderr.isTTY === true, signal: ac.signal });
        process.exitCode = outcome.exitCode;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
