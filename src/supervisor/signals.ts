// `--signal` text → a signal name Node knows: `KILL`, `sigterm`, `SIGTERM` and `15` all work.
import { constants } from 'node:os';
import { SupervisorError } from './errors.js';
import type { SignalName } from './process-group.js';

const KNOWN = constants.signals as Readonly<Record<string, number>>;

/** Parse a signal given by name (with or without SIG, any case) or number; throws SupervisorError('USAGE'). */
export function parseSignal(text: string): SignalName {
  const t = String(text).trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    const hit = Object.entries(KNOWN).find(([, v]) => v === n);
    if (hit !== undefined) return hit[0] as SignalName;
  } else {
    const name = t.toUpperCase().startsWith('SIG') ? t.toUpperCase() : `SIG${t.toUpperCase()}`;
    if (Object.hasOwn(KNOWN, name)) return name as SignalName;
  }
  throw new SupervisorError('USAGE', `--signal: unknown signal ${JSON.stringify(t)}; use a name like SIGKILL, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGSTOP, SIGCONT (or its number)`);
}
