// `raft-sup logs [TARGET] [-f]`: the stored logs of the cluster (all processes, or TARGET's), optionally followed.
import type { Command } from 'commander';
import { DEFAULT_DIR, parseIntFlag, readClusterLog, resolveLogTarget } from '../../supervisor/index.js';

interface LogsFlags { follow?: boolean; lines?: string; dir: string }

export function register(program: Command): void {
  program
    .command('logs')
    .description('print the stored logs (every process, or TARGET\'s), optionally following new lines')
    .argument('[target]', 'a node id, node-N, proxy, leader, followers, ... (default: all)')
    .option('-f, --follow', 'keep printing new lines until Ctrl+C')
    .option('-n, --lines <n>', 'only the last N stored lines')
    .option('--dir <dir>', 'state dir of the cluster', DEFAULT_DIR)
    .addHelpText('after', '\nExamples:\n  raft-sup logs leader -n 50\n  raft-sup logs -f')
    .action(async (target: string | undefined, flags: LogsFlags) => {
      const tail = flags.lines === undefined ? undefined : parseIntFlag('--lines', flags.lines, 0, 100_000_000);
      const names = await resolveLogTarget(flags.dir, target);
      const ac = new AbortController();
      if (flags.follow) process.once('SIGINT', () => ac.abort());
      await readClusterLog(flags.dir, { names, out: process.stdout, follow: flags.follow === true, signal: ac.signal, ...(tail === undefined ? {} : { tail }) });
    });
}
