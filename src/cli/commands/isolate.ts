// `raft-sup isolate TARGET`: cut the target off from every other node.
import type { Command } from 'commander';
import { DEFAULT_DIR, SupervisorClient } from '../../supervisor/index.js';

export function register(program: Command): void {
  program
    .command('isolate')
    .description('cut a node (or several) off from every other node; replaces any earlier partition')
    .argument('<target>', 'a node id, node-N, leader, follower, random, or a comma list')
    .option('--dir <dir>', 'state dir of the cluster', DEFAULT_DIR)
    .addHelpText('after', '\nExample: raft-sup isolate leader   # then: raft-sup heal')
    .action(async (target: string, flags: { dir: string }) => {
      const r = await new SupervisorClient(flags.dir).isolate(target);
      process.stdout.write(`${r.message}\n`);
    });
}
