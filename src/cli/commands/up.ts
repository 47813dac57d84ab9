// `raft-sup up`: start the supervisor, N nodes and the proxy (foreground streams every log until
// Ctrl+C; -d returns once a leader is elected and a write has committed).
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import {
  DEFAULT_DIR, MAX_NODES, parseIntFlag, resolveClusterSpec, runDaemon, runDetached, runForeground, useColor, type UpOptions,
} from '../../supervisor/index.js';

interface UpFlags {
  nodes?: string;
  basePort?: string;
  proxyPort?: string;
  dir: string;
  detach?: boolean;
  color?: boolean;
  daemon?: boolean;
  readyTimeoutMs?: string;
  stopGraceMs?: string;
  warmSpares?: boolean;
}

const CLI_ENTRY = fileURLToPath(new URL('../main.js', import.meta.url));

export function register(program: Command): void {
  program
    .command('up')
    .description('start the supervisor, the nodes and the proxy; wait until a leader is elected and a write commits')
    .option('--nodes <n>', `number of nodes, 1..${MAX_NODES} (default 3, or what the dir was created with)`)
    .option('--base-port <port>', 'port of node-1; node-N listens on base + N - 1 (default 5001)')
    .option('--proxy-port <port>', 'port of the proxy (default 5000)')
    .option('--dir <dir>', 'state dir: control socket, node data, logs', DEFAULT_DIR)
    .option('-d, --detach', 'run the supervisor in the background and return once the cluster is ready')
    .option('--no-warm-spares', 'no warm spare process for a node that is down: start/restart then pay Node\'s start-up (~150-250 ms) instead of answering in ~50 ms')
    .option('--no-color', 'no ANSI colours (also off when output is not a terminal, or NO_COLOR is set)')
    .addOption(new Option('--daemon', 'internal: the detached supervisor itself').hideHelp())
    .addOption(new Option('--ready-timeout-ms <ms>', 'how long to wait for a leader and a committed write').default('60000'))
    .addOption(new Option('--stop-grace-ms <ms>', 'SIGTERM → SIGKILL grace period per process on stop/down').default('5000'))
    .addHelpText('after', '\nExamples:\n  raft-sup up                 # foreground: all logs, Ctrl+C stops everything\n  raft-sup up -d --nodes 5    # background; then raft-sup status, raft-sup down')
    .action(async (flags: UpFlags) => {
      const spec = resolveClusterSpec({
        nodes: flags.nodes === undefined ? undefined : parseIntFlag('--nodes', flags.nodes, 1, MAX_NODES),
        basePort: flags.basePort === undefined ? undefined : parseIntFlag('--base-port', flags.basePort, 1, 65_535),
        proxyPort: flags.proxyPort === undefined ? undefined : parseIntFlag('--proxy-port', flags.proxyPort, 1, 65_535),
        dir: flags.dir,
      });
      const readyTimeoutMs = parseIntFlag('--ready-timeout-ms', flags.readyTimeoutMs ?? '60000', 100, 3_600_000);
      const stopGraceMs = parseIntFlag('--stop-grace-ms', flags.stopGraceMs ?? '5000', 0, 600_000);
      const tty = process.stdout.isTTY === true;
      const opts: UpOptions = {
        spec, cliEntry: CLI_ENTRY, out: process.stdout, err: process.stderr,
        color: useColor(flags.color, process.stdout, process.env), tty: process.stderr.isTTY === true && tty,
        readyTimeoutMs, stopGraceMs, warmSpares: flags.warmSpares !== false,
      };
      if (flags.daemon) {
        process.exitCode = await runDaemon({ ...opts, color: false, tty: false });
        process.exit(); // nothing of ours is left; do not wait for stray handles
      }
      if (flags.detach) {
        const args = ['up', '--daemon', '--nodes', String(spec.nodes), '--base-port', String(spec.basePort), '--proxy-port', String(spec.proxyPort),
          '--dir', spec.dir, '--ready-timeout-ms', String(readyTimeoutMs), '--stop-grace-ms', String(stopGraceMs),
          ...(flags.warmSpares === false ? ['--no-warm-spares'] : [])];
        process.exitCode = await runDetached(opts, args);
        return;
      }
      // `raft-sup up | head`: once nobody reads our output, stop the cluster gracefully instead of crashing.
      process.stdout.on('error', () => process.kill(process.pid, 'SIGTERM'));
      process.exitCode = await runForeground(opts);
    });
}
