// `raft-sup pause TARGET`: freeze a process (SIGSTOP): it stays alive but does nothing, like a long GC pause
import type { Command } from 'commander';
import { DEFAULT_DIR, runActionCommand } from '../../supervisor/index.js';

export function register(program: Command): void {
  program
    .command('pause')
    .description('freeze a process (SIGSTOP): it stays alive but does nothing, like a long GC pause')
    .argument('<target>', 'a node id (2), a name (node-2, proxy), leader, follower (one at random), followers, random, all; or a comma list')
    .option('--dir <dir>', 'state dir of the cluster', DEFAULT_DIR)
    .addHelpText('after', '\nExample: raft-sup pause leader; later raft-sup resume node-2')
    .action(async (target: string, flags: { dir: string }) => {
      process.exitCode = await runActionCommand(flags.dir, 'pause', target);
    });
}
