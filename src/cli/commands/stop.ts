// `raft-sup stop TARGET`: stop a process gracefully (SIGTERM, SIGKILL after the grace period); its data stays
import type { Command } from 'commander';
import { DEFAULT_DIR, runActionCommand } from '../../supervisor/index.js';

export function register(program: Command): void {
  program
    .command('stop')
    .description('stop a process gracefully (SIGTERM, SIGKILL after the grace period); its data stays')
    .argument('<target>', 'a node id (2), a name (node-2, proxy), leader, follower (one at random), followers, random, all; or a comma list')
    .option('--dir <dir>', 'state dir of the cluster', DEFAULT_DIR)
    .addHelpText('after', '\nExample: raft-sup stop follower')
    .action(async (target: string, flags: { dir: string }) => {
      process.exitCode = await runActionCommand(flags.dir, 'stop', target);
    });
}
