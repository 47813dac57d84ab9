// Every CLI command module, loaded lazily: a child process started as `raft-sup node ...` must not
// pay for loading the supervisor, scenarios, chaos and bench code (it halves node start-up, which
// is on the path of every restart and failover). Each module exports `register(program)`.
// To add a command: one line here with the names it registers.
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

interface CommandEntry {
  /** The command names (and aliases) the module registers. */
  readonly names: readonly string[];
  readonly load: () => Promise<{ register: RegisterCommand }>;
}

export const commandTable: readonly CommandEntry[] = [
  { names: ['up'], load: () => import('./up.js') },
  { names: ['down'], load: () => import('./down.js') },
  { names: ['status'], load: () => import('./status.js') },
  { names: ['kill'], load: () => import('./kill.js') },
  { names: ['start'], load: () => import('./start.js') },
  { names: ['stop'], load: () => import('./stop.js') },
  { names: ['restart'], load: () => import('./restart.js') },
  { names: ['pause'], load: () => import('./pause.js') },
  { names: ['resume'], load: () => import('./resume.js') },
  { names: ['partition'], load: () => import('./partition.js') },
  { names: ['isolate'], load: () => import('./isolate.js') },
  { names: ['heal'], load: () => import('./heal.js') },
  { names: ['logs'], load: () => import('./logs.js') },
  { names: ['client'], load: () => import('./client.js') },
  { names: ['put', 'get', 'del', 'delete', 'cas'], load: () => import('./kv-oneshot.js') },
  { names: ['scenario'], load: () => import('./scenario.js') },
  { names: ['chaos'], load: () => import('./chaos.js') },
  { names: ['bench', 'bench-all'], load: () => import('./bench.js') },
  { names: ['node'], load: () => import('./node.js') },
  { names: ['proxy'], load: () => import('./proxy.js') },
];

/**
 * The modules to load for `argv`: only the one that owns the command named first, or all of them
 * when there is none (bare `raft-sup`, `--help`, a typo — commander then lists or suggests).
 */
export async function loadCommands(argv: readonly string[]): Promise<RegisterCommand[]> {
  const name = argv.find((a) => !a.startsWith('-'));
  const entry = name === undefined ? undefined : commandTable.find((e) => e.names.includes(name));
  const chosen = entry ? [entry] : commandTable;
  const modules = await Promise.all(chosen.map((e) => e.load()));
  return modules.map((m) => m.register);
}
