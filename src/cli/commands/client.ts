// `raft-sup client`: the REPL (command mode or the original's menu) against the proxy or any node.
// Also exports the connection flags the one-shot KV commands share (kv-oneshot.ts).
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { LANGS, colorWanted, parseTimeout, runRepl } from '../../client/repl/index.js';
import type { Lang } from '../../client/repl/index.js';
import { UsageError } from '../../shared/cli-errors.js';

export const DEFAULT_URL = 'http://127.0.0.1:5000';
export const DEFAULT_TIMEOUT = '5s';

export interface ConnectionFlags {
  url: string;
  timeout: string;
  token?: string;
  dir: string;
  color: boolean;
}

/** Adds --url, --timeout, --token, --dir and --no-color to a command. */
export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'the proxy or any node', DEFAULT_URL)
    .option('--timeout <duration>', 'deadline per command, retries included (e.g. 5s, 1500ms)', DEFAULT_TIMEOUT)
    .option('--token <token>', 'bearer token, if the nodes/proxy were started with one (or RAFT_SUP_TOKEN)')
    .option('--dir <dir>', 'state directory of the cluster', './.raft-sup')
    .option('--no-color', 'plain output even on a terminal (NO_COLOR works too)');
}

/** Validates the shared flags once, at the edge. */
export function connectionFrom(flags: ConnectionFlags, isTty: boolean): { url: string; deadlineMs: number; token: string | undefined; color: boolean; stateDir: string } {
  let parsed: URL;
  try {
    parsed = new URL(flags.url);
  } catch {
    throw new UsageError(`--url: expected a URL like ${DEFAULT_URL}, received ${JSON.stringify(flags.url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--url: expected an http:// or https:// URL, received ${JSON.stringify(flags.url)}`);
  }
  const t = parseTimeout(flags.timeout);
  if (!t.ok) throw new UsageError(`--timeout: ${t.problem}`);
  return {
    url: flags.url.replace(/\/+$/, ''),
    deadlineMs: t.ms,
    token: flags.token ?? (process.env.RAFT_SUP_TOKEN || undefined),
    color: colorWanted(isTty, process.env, flags.color),
    stateDir: resolve(flags.dir),
  };
}

const HELP_AFTER = `
Commands inside the REPL (type help):
  put KEY VALUE · get KEY [--stale] · del KEY · cas KEY FROM TO · status · leader · menu · help · exit
  Quote values with spaces: put greeting "hello world".  In cas, an unquoted - as FROM means
  "KEY must not exist" ('-' in quotes is the one-character string).
  Each answer shows the result, the node that served it (or the URL asked) and the latency.

On a terminal: history in <dir>/client-history, Tab completes commands and recent keys,
Ctrl+C cancels the request in flight (or clears the line), Ctrl+D exits.
Piped input runs line by line:  printf 'put a 1\\nget a\\n' | raft-sup client
  exit 0 when every command succeeded, 1 when one failed as asked (key not found, CAS mismatch,
  no leader), 2 for bad input, an unreachable cluster or an outcome that is not known.
Outages (nothing listening, no leader, no quorum) are retried until --timeout, then explained in one line.`;

export function register(program: Command): void {
  const cmd = program
    .command('client')
    .description('interactive client (REPL) against the proxy or any node')
    .option('--menu', "start in the original's numbered menu (1 write, 2 read, 3 exit)")
    .option('--lang <lang>', `menu language: ${LANGS.join(' or ')}`, 'en');
  addConnectionOptions(cmd)
    .addHelpText('after', HELP_AFTER)
    .action(async (flags: ConnectionFlags & { menu?: boolean; lang: string }) => {
      if (!(LANGS as readonly string[]).includes(flags.lang)) {
        throw new UsageError(`--lang: expected ${LANGS.join(' or ')}, received ${JSON.stringify(flags.lang)}`);
      }
      const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
      const c = connectionFrom(flags, process.stdout.isTTY === true);
      const code = await runRepl({
        ...c,
        input: process.stdin,
        output: process.stdout,
        terminal,
        menu: flags.menu === true,
        lang: flags.lang as Lang,
      });
      process.exitCode = code;
    });
}
