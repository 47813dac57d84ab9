// The CLI's one way of running: register commands, parse, map errors to exit codes (SPEC: usage
// and environment errors are one line on stderr and exit 2). Shared by the full CLI (main.ts) and
// the children's entry (child-main.ts), so `raft-sup node` behaves the same through either.
import { Command, CommanderError } from 'commander';
import { UsageError } from '../shared/cli-errors.js';
import type { RegisterCommand } from './commands/index.js';

export async function runCli(argv: readonly string[], commands: readonly RegisterCommand[]): Promise<number> {
  const program = new Command('raft-sup')
    .description('Run, break and understand a Raft cluster on one machine.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
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

/** Runs the CLI on `argv` (default: this process's arguments) and sets process.exitCode; unexpected errors exit 2. */
export function runProcess(commands: Promise<readonly RegisterCommand[]> | readonly RegisterCommand[], argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // `raft-sup bench --help | head`: the reader went away. Stop quietly, as Unix tools do, rather
  // than die of an unhandled EPIPE with a stack trace. A command that must clean up on it (the
  // foreground `up` shuts its cluster down) registers its own handler, and this one stands aside.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' || process.stdout.listenerCount('error') > 1) return;
    process.exit(Number(process.exitCode ?? 0));
  });
  return Promise.resolve(commands)
    .then((c) => runCli(argv, c))
    .catch((err: unknown) => {
      process.stderr.write(`raft-sup: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      return 2;
    })
    .then((code) => {
      process.exitCode = code;
    });
}
