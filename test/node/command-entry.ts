// Runs one CLI command module on its own (see node-entry.ts, proxy-entry.ts): the command parses
// process.argv, and exit codes are the CLI's — 2 for usage errors.
import { Command, CommanderError } from 'commander';
import { UsageError } from '../../src/shared/index.js';

export async function runCommandEntry(register: (program: Command) => void): Promise<void> {
  const program = new Command('raft-sup').exitOverride();
  register(program);
  try {
    await program.parseAsync(process.argv.slice(2), { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
    if (err instanceof UsageError) {
      process.stderr.write(`raft-sup: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
