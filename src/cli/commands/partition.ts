// `raft-sup partition GROUP GROUP...`: cut node-to-node traffic between groups of nodes.
import type { Command } from 'commander';
import { DEFAULT_DIR, SupervisorClient } from '../../supervisor/index.js';

export function register(program: Command): void {
  program
    .command('partition')
    .description('cut node-to-node traffic between groups (clients still reach every node); replaces any earlier partition')
    .argument('<groups...>', 'groups of nodes, each a target: 1,2 3 · leader followers; unnamed nodes form one more group')
    .option('--dir <dir>', 'state dir of the cluster', DEFAULT_DIR)
    .addHelpText('after', '\nExamples:\n  raft-sup partition 1,2 3     # {1,2} | {3}\n  raft-sup partition leader    # the leader alone | everyone else\n  raft-sup heal')
    .action(async (groups: string[], flags: { dir: string }) => {
      const r = await new SupervisorClient(flags.dir).partition(groups);
      process.stdout.write(`${r.message}\n`);
    });
}
