// `raft-sup restart TARGET`: stop + start; a leader hands leadership to a follower first, so no write fails
import type { Command } from 'commander';
import { DEFAULT_DIR, runActionCommand } from '../../supervisor/index.js';

export function register(program: Command): void {
  program
    .command('restart')
    .description('stop + start; a leader hands leadership to a follower first, so no write fails')
    .argument('<target>', 'a node id (2), a name (node-2, proxy), leader, follower (one at random), followers, random, all; or a comma list')
    .option('--dir <dir>', 'state dir of the cluster', DEFAULT_DIR)
    .addHelpText('after', '\nExample: raft-sup restart leader   (several targets restart one at a time)')
    .action(async (target: string, flags: { dir: string }) => {
      process.exitCode = await runActionCommand(flags.dir, 'restart', target);
    });
}
