// `raft-sup kill TARGET [--signal SIG]`: a crash on demand (SIGKILL by default); prints the victim.
import type { Command } from 'commander';
import { DEFAULT_DIR, parseSignal, runActionCommand } from '../../supervisor/index.js';

export function register(program: Command): void {
  program
    .command('kill')
    .description('send a signal to a process (default SIGKILL: a crash); prints who was hit')
    .argument('<target>', 'a node id (2), a name (node-2, proxy), leader, follower (one at random), followers, random, all; or a comma list')
    .option('-s, --signal <sig>', 'signal name or number (SIGTERM, HUP, 15, ...)', 'SIGKILL')
    .option('--dir <dir>', 'state dir of the cluster', DEFAULT_DIR)
    .addHelpText('after', '\nExamples:\n  raft-sup kill leader              # killed node-2 (leader, term 3)\n  raft-sup kill 3 --signal SIGTERM')
    .action(async (target: string, flags: { signal: string; dir: string }) => {
      process.exitCode = await runActionCommand(flags.dir, 'kill', target, parseSignal(flags.signal));
    });
}
