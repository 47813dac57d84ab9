// Test-only entry for node child processes: the real `node` command (src/cli/commands/node.ts) on
// its own, so cluster tests do not depend on every other CLI command module being built, and start
// faster. Exit codes as in the CLI: 2 for usage errors.
import { Command, CommanderError } from 'commander';
import { register } from '../../src/cli/commands/node.js';
import { UsageError } from '../../src/shared/index.js';

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
