// `raft-sup status [--json] [--watch]`: one row per process, merged with each node's /status.
import type { Command } from 'commander';
import { DEFAULT_DIR, parseIntFlag, renderStatusSummary, renderStatusTable, SupervisorClient, useColor } from '../../supervisor/index.js';

interface StatusFlags { json?: boolean; watch?: boolean; interval: string; dir: string; color?: boolean }

export function register(program: Command): void {
  program
    .command('status')
    .description('one row per process: name, pid, state, role, term, leader, commit, applied, last index, lag behind the leader')
    .option('--json', 'print the status as one JSON object')
    .option('-w, --watch', 'refresh until Ctrl+C')
    .option('--interval <ms>', 'refresh interval for --watch', '1000')
    .option('--no-color', 'no ANSI colours')
    .option('--dir <dir>', 'state dir of the cluster', DEFAULT_DIR)
    .action(async (flags: StatusFlags) => {
      const interval = parseIntFlag('--interval', flags.interval, 100, 3_600_000);
      const client = new SupervisorClient(flags.dir);
      const color = useColor(flags.color, process.stdout, process.env);
      const tty = process.stdout.isTTY === true;
      const show = async (): Promise<void> => {
        const s = await client.status();
        if (flags.json) process.stdout.write(`${JSON.stringify(s)}\n`);
        else {
          const text = `${renderStatusTable(s, { color })}\n${renderStatusSummary(s)}\n`;
          // Redraw in place on a terminal; a pipe gets one table after another.
          process.stdout.write(flags.watch && tty ? `\u001b[H\u001b[2J${new Date().toLocaleTimeString()}  (Ctrl+C to stop)\n${text}` : text);
        }
      };
      await show();
      if (!flags.watch) return;
      let stop = false;
      process.once('SIGINT', () => { stop = true; });
      while (!stop) {
        await new Promise((r) => setTimeout(r, interval));
        if (stop) break;
        if (!flags.json && !tty) process.stdout.write('\n');
        await show();
      }
    });
}
