// Test-only entry for proxy child processes: the real `proxy` command (src/cli/commands/proxy.ts) on
// its own, so benchmarks do not depend on every other CLI command module being built, and start
// faster. Exit codes as in the CLI: 2 for usage errors.
import { register } from '../../src/cli/commands/proxy.js';
import { runCommandEntry } from './command-entry.js';

await runCommandEntry(register);
