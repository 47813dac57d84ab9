// Signalling and liveness of process groups we started.
//
// Every managed child is spawned with `detached: true`, so it calls setsid() and leads a process
// group whose id equals its pid. Signalling `-pgid` reaches the child and everything it forked
// (unless a descendant deliberately left the group), including grandchildren that were reparented
// after their parent died — which tree-kill, walking the parent/child tree, would miss.
//
// Zombies: Node reaps its direct children itself, but an orphaned grandchild is reparented to
// PID 1, and not every PID 1 reaps (containers, firecracker VMs without an init). A zombie still
// "exists" for kill(pid, 0), so liveness here ignores zombies on Linux by reading /proc. A zombie
// holds no resources but a pid; it cannot be signalled or reaped by anyone but its parent.
import { readFileSync, readdirSync } from 'node:fs';

/** A POSIX signal name as Node knows it (`SIGTERM`, `SIGKILL`, ...). */
export type SignalName = NodeJS.Signals;

/** Signal every member of a process group we started; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: SignalName): boolean {
  assertPositivePid(pgid);
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ESRCH') return false;
    throw err;
  }
}

/** True while the process exists and is not a zombie (a zombie is dead, only unreaped). */
export function isAlive(pid: number): boolean {
  assertPositivePid(pid);
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else — still alive.
    return errnoCode(err) === 'EPERM';
  }
  const stat = readProcStat(pid);
  return stat === undefined ? true : stat.state !== 'Z';
}

/** True while any non-zombie member of the process group exists. */
export function groupAlive(pgid: number): boolean {
  assertPositivePid(pgid);
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
  if (!procAvailable()) return true;
  return groupMembers(pgid).some((m) => m.state !== 'Z');
}

/** Pids of live (non-zombie) members of a process group; Linux only, [] elsewhere. */
export function liveGroupMembers(pgid: number): number[] {
  if (!procAvailable()) return [];
  return groupMembers(pgid).filter((m) => m.state !== 'Z').map((m) => m.pid);
}

interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
}

let procChecked: boolean | undefined;
function procAvailable(): boolean {
  if (procChecked === undefined) procChecked = readProcStat(process.pid) !== undefined;
  return procChecked;
}

function groupMembers(pgid: number): ProcStat[] {
  const out: ProcStat[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name));
    if (stat !== undefined && stat.pgrp === pgid) out.push(stat);
  }
  return out;
}

// /proc/<pid>/stat is "pid (comm) state ppid pgrp ..."; comm may contain spaces and parentheses,
// so split after the last ')'.
function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).split(' ');
  const [state, ppid, pgrp] = fields;
  if (state === undefined || ppid === undefined || pgrp === undefined) return undefined;
  return { pid, state, ppid: Number(ppid), pgrp: Number(pgrp) };
}

function assertPositivePid(pid: number): void {
  // kill(0) / kill(-1) would signal our own group or every process we may signal: never.
  if (!Number.isSafeInteger(pid) || pid <= 1) throw new RangeError(`expected a pid > 1, got ${String(pid)}`);
}

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}
