// raft-sup command-line entry: one thin module per command under ./commands, loaded on demand.
import { loadCommands } from './commands/index.js';
import { runCli, runProcess } from './run.js';

/** Runs the CLI on `argv` (without node and script); the exit code. Tests call it in-process. */
export async function main(argv: readonly string[]): Promise<number> {
  return runCli(argv, await loadCommands(argv));
}

await runProcess(loadCommands(process.argv.slice(2)));
