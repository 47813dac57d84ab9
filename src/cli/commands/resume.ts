// `raft-sup resume TARGET`: continue a paused process (SIGCONT)
import type { Command } from 'commander';
import { DEFAULT_DIR, runActionCommand } from '../../supervisor/index.js';

export function register(program: Command): void {
  program
    .command('resume')
    .description('continue a paused process (SIGCONT)')
    .argument('<target>', 'a node id (2), a name (node-2, proxy), leader, follower (one at random), followers, random, all; or a comma list')
    .option('--dir <dir>', 'state dir of the cluster', DEFAULT_DIR)
    .addHelpText('after', '\nExample: raft-sup resume all')
    .action(async (target: string, flags: { dir: string }) => {
      process.exitCode = await runActionCommand(flags.dir, 'resume', target);
    });
}
