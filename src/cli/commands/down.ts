// `raft-sup down [--wipe]`: stop every process and the supervisor; --wipe deletes the data too.
import type { Command } from 'commander';
import { DEFAULT_DIR, runDown } from '../../supervisor/index.js';

export function register(program: Command): void {
  program
    .command('down')
    .description('stop every node, the proxy and the supervisor (SIGTERM, SIGKILL after a grace period)')
    .option('--wipe', 'also delete the cluster\'s data and logs (only what raft-sup created in the dir)')
    .option('--dir <dir>', 'state dir of the cluster', DEFAULT_DIR)
    .action(async (flags: { wipe?: boolean; dir: string }) => {
      const r = await runDown(flags.dir, { wipe: flags.wipe === true });
      const secs = (r.elapsedMs / 1000).toFixed(1);
      if (r.supervisorPid !== null || r.stopped.length > 0) {
        process.stdout.write(`stopped ${r.stopped.join(', ')} and the supervisor${r.supervisorPid === null ? '' : ` (pid ${r.supervisorPid})`} in ${secs} s\n`);
      } else {
        process.stdout.write('no cluster was running\n');
      }
      if (r.wiped) process.stdout.write('wiped the cluster\'s data and logs\n');
    });
}
