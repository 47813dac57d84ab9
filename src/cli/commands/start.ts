// `raft-sup start TARGET`: start a stopped or crashed process with its data intact
import type { Command } from 'commander';
import { DEFAULT_DIR, runActionCommand } from '../../supervisor/index.js';

export function register(program: Command): void {
  program
    .command('start')
    .description('start a stopped or crashed process with its data intact')
    .argument('<target>', 'a node id (2), a name (node-2, proxy), leader, follower (one at random), followers, random, all; or a comma list')
    .option('--dir <dir>', 'state dir of the cluster', DEFAULT_DIR)
    .addHelpText('after', '\nExample: raft-sup start node-2')
    .action(async (target: string, flags: { dir: string }) => {
      process.exitCode = await runActionCommand(flags.dir, 'start', target);
    });
}
