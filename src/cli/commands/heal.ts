// `raft-sup heal`: restore every node-to-node link.
import type { Command } from 'commander';
import { DEFAULT_DIR, SupervisorClient } from '../../supervisor/index.js';

export function register(program: Command): void {
  program
    .command('heal')
    .description('remove every partition: restore all node-to-node links')
    .option('--dir <dir>', 'state dir of the cluster', DEFAULT_DIR)
    .action(async (flags: { dir: string }) => {
      const r = await new SupervisorClient(flags.dir).heal();
      process.stdout.write(`${r.message}\n`);
    });
}
