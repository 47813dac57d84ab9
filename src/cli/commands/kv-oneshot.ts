// One-shot KV commands for scripts: `raft-sup put k v`, `get k [--stale]`, `del k`, `cas k from to`.
// Same parsing, retries and exit codes as the REPL; `--json` prints one object per call.
import type { Command } from 'commander';
import { CommandRunner, exitCodeOf, renderOutcome } from '../../client/repl/index.js';
import type { KvCommand, KvOutcome } from '../../client/repl/index.js';
import { addConnectionOptions, connectionFrom } from './client.js';
import type { ConnectionFlags } from './client.js';

type Flags = ConnectionFlags & { json?: boolean; stale?: boolean; literal?: boolean };

const EXIT_HELP = `
Exit codes: 0 success (del of a missing key included), 1 the operation failed as asked (get: key not
found; cas: the key did not hold FROM), 2 bad input, cluster unreachable or leaderless until --timeout,
or an outcome that is not known (the write may or may not have been applied).
Values that start with a dash go after --:  raft-sup put k -- -5`;

export function register(program: Command): void {
  oneShot(program, 'put <key> <value>', 'write a value (committed by a majority before it returns)',
    ([key, value]) => ({ kind: 'put', key, value }));
  oneShot(program, 'get <key>', 'read a value (linearizable; --stale: the serving node\'s copy); prints the bare value',
    ([key], f) => ({ kind: 'get', key, stale: f.stale === true }))
    .option('--stale', 'read the serving node\'s local copy (may be behind)');
  oneShot(program, 'del <key>', 'delete a key', ([key]) => ({ kind: 'del', key })).alias('delete');
  oneShot(program, 'cas <key> <from> <to>', 'compare-and-set: write TO only if KEY holds FROM (FROM - means "KEY must not exist")',
    ([key, from, to], f) => ({ kind: 'cas', key, from: from === '-' && f.literal !== true ? null : from, to }))
    .option('--literal', 'take FROM literally even when it is -');
}

/** One command: arguments → a KV command → one request (with retries) → printed result and exit code. */
function oneShot(program: Command, spec: string, description: string, toCommand: (args: [string, string, string], flags: Flags) => KvCommand): Command {
  const cmd = program.command(spec).description(description).option('--json', 'print one JSON object (for scripts)');
  addConnectionOptions(cmd).addHelpText('after', EXIT_HELP).action(async (...received: unknown[]) => {
    // commander passes the positional arguments, then the options object, then the command.
    const positional = received.slice(0, -2) as [string, string, string];
    const flags = received[received.length - 2] as Flags;
    const c = connectionFrom(flags, process.stdout.isTTY === true);
    // A reader that went away (`| head -0`) is not our failure; the exit code still tells.
    process.stdout.on('error', () => undefined);
    const runner = new CommandRunner(c);
    try {
      const o = await runner.kv(toCommand(positional, flags));
      print(o, flags, runner);
      process.exitCode = exitCodeOf(o);
    } finally {
      await runner.close();
    }
  });
  return cmd;
}

function print(o: KvOutcome, flags: Flags, runner: CommandRunner): void {
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(jsonOf(o))}\n`);
    return;
  }
  if (o.ok && o.result.kind === 'get') {
    // The bare value, so `$(raft-sup get k)` is the value; not found is exit 1 and a note on stderr.
    if (o.result.value !== null) process.stdout.write(`${o.result.value}\n`);
    else process.stderr.write(`raft-sup: ${o.command.key}: not found\n`);
    return;
  }
  const line = `${renderOutcome(o, runner.style)}\n`;
  if (o.ok) process.stdout.write(line);
  else process.stderr.write(line);
}

/** The `--json` object: the outcome with its result or error fields flattened. */
function jsonOf(o: KvOutcome): Record<string, unknown> {
  const base: Record<string, unknown> = { ok: o.ok, op: o.command.kind, key: o.command.key };
  const meta = { servedBy: o.servedBy, latencyMs: Math.round(o.latencyMs * 100) / 100, attempts: o.attempts, exitCode: exitCodeOf(o) };
  if (o.ok) {
    const { kind: _kind, ...rest } = o.result;
    if (o.result.kind === 'get') return { ...base, found: o.result.value !== null, ...rest, ...meta };
    return { ...base, ...rest, ...meta };
  }
  const error: Record<string, unknown> = { code: o.error.code, message: o.error.message, definite: o.error.definite };
  if (o.error.current !== undefined) error.current = o.error.current;
  if (o.error.leader !== undefined) error.leader = o.error.leader;
  return { ...base, error, uncertain: o.uncertain, ...meta };
}
