// Test-only entry for node child processes: the real `node` command (src/cli/commands/node.ts) on
// its own, so cluster tests do not depend on every other CLI command module being built, and start
// faster. Exit codes as in the CLI: 2 for usage errors.
import { register } from '../../src/cli/commands/node.js';
import { runCommandEntry } from './command-entry.js';

await runCommandEntry(register);
