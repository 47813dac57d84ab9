// raft-sup command-line entry: one thin module per command under ./commands, registered here.
import { Command, CommanderError } from 'commander';
import { loadCommands } from './commands/index.js';
import { UsageError } from '../shared/cli-errors.js';

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('raft-sup')
    .description('Run, break and understand a Raft cluster on one machine.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of await loadCommands(argv)) register(program);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage mistakes with 1 → we use 2.
      return err.exitCode === 0 ? 0 : 2;
    }
    // Usage and environment errors: one line, exit 2 (SPEC).
    if (err instanceof UsageError || isOneLineError(err)) {
      process.stderr.write(`raft-sup: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

// The supervisor's refusals (SupervisorError, ControlSocketError, TargetError, ChildStateError) are
// matched by name, so the entry needs no import from the supervisor area.
const ONE_LINE_ERRORS = new Set(['SupervisorError', 'ControlSocketError', 'TargetError', 'ChildStateError']);
function isOneLineError(err: unknown): err is Error {
  return err instanceof Error && ONE_LINE_ERRORS.has(err.name);
}

const exitCode = await main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`raft-sup: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 2;
});
process.exitCode = exitCode;
