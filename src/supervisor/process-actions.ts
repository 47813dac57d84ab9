// kill / stop / start / restart / pause / resume on a TARGET, with one readable line per process
// ("killed node-2 (leader, term 3)") so the user always learns who the victim of a role target was.
//
// Decisions:
// - Role targets resolve against live /status at the moment of the command.
// - `random` and `follower` choose among processes the action applies to (a random kill never picks
//   a node that is already down); explicit names and ids are taken as given, and a state that makes
//   no sense ("pause node-3" while it is stopped) is an error for that process.
// - Idempotent where it reads naturally: starting a running node or stopping a stopped one says so
//   and succeeds.
// - restart of the leader hands leadership to the most up-to-date running follower first (admin
//   transfer-leadership), then stops and starts it: no client write fails because of it.
// - restart of several processes is rolling (one at a time, each answering before the next), so a
//   majority stays up; the other actions run on all targets at once.
import { describeState, type ChildState } from './child-process.js';
import type { SignalName } from './process-group.js';
import type { StatusProcess } from '../shared/status-table.js';
import type { SupervisedChild, Supervisor } from './supervisor.js';
import { resolveTarget } from './targets.js';

export const PROCESS_ACTIONS = ['kill', 'stop', 'start', 'restart', 'pause', 'resume'] as const;
export type ProcessAction = (typeof PROCESS_ACTIONS)[number];

/** What happened to one process. */
export interface ActionResult {
  name: string;
  action: ProcessAction;
  /** false: this process refused the action (its message says why). */
  ok: boolean;
  /** Role and term at the moment of the command (nodes that answered), for "killed node-2 (leader, term 3)". */
  role: string | null;
  term: number | null;
  /** Pid after the action (null when it is not running). */
  pid: number | null;
  state: string;
  message: string;
}

const ALIVE: readonly ChildState[] = ['running', 'paused'];
const ELIGIBLE: Record<ProcessAction, (s: ChildState) => boolean> = {
  kill: (s) => ALIVE.includes(s),
  stop: (s) => ALIVE.includes(s),
  restart: (s) => ALIVE.includes(s),
  pause: (s) => s === 'running',
  resume: (s) => s === 'paused',
  start: (s) => s === 'stopped' || s === 'crashed',
};

/** Resolve `target` and apply `action` to each process it names. Throws TargetError. */
export async function runProcessAction(sup: Supervisor, action: ProcessAction, target: string, signal?: SignalName): Promise<ActionResult[]> {
  const status = await sup.status();
  const key = target.trim().toLowerCase();
  const pool = key === 'random' || key === 'follower' ? status.processes.filter((p) => ELIGIBLE[action](p.state as ChildState)) : status.processes;
  const names = resolveTarget(target, pool.length > 0 ? pool : status.processes, sup.random);
  const rows = new Map(status.processes.map((p) => [p.name, p]));
  const one = (name: string): Promise<ActionResult> => {
    const c = sup.byName(name);
    const row = rows.get(name);
    if (c === undefined || row === undefined) return Promise.resolve(refused(name, action, row, `no process named ${name}`));
    return applyOne(sup, c, row, action, status.processes, signal).catch((err: unknown) => refused(name, action, row, err instanceof Error ? err.message : String(err)));
  };
  if (action === 'restart') {
    const out: ActionResult[] = [];
    for (const name of names) out.push(await one(name));
    return out;
  }
  return Promise.all(names.map(one));
}

async function applyOne(sup: Supervisor, c: SupervisedChild, row: StatusProcess, action: ProcessAction, all: readonly StatusProcess[], signal?: SignalName): Promise<ActionResult> {
  const child = c.child;
  const was = describeRole(row);
  const result = (message: string): ActionResult => ({
    name: child.name, action, ok: true, role: row.role ?? null, term: row.term ?? null, pid: child.pid,
    state: describeState(child.state, child.lastExit), message,
  });
  switch (action) {
    case 'kill': {
      const sig = signal ?? 'SIGKILL';
      if (sig === 'SIGSTOP' || sig === 'SIGTSTP') return applyOne(sup, c, row, 'pause', all);
      if (sig === 'SIGCONT') return applyOne(sup, c, row, 'resume', all);
      await child.kill(sig);
      return result(sig === 'SIGKILL' ? `killed ${child.name}${was}` : `sent ${sig} to ${child.name}${was}`);
    }
    case 'stop': {
      if (child.pid === null) {
        await child.stop();
        return result(`${child.name} was already ${row.state === 'crashed' ? 'down' : 'stopped'}; it stays stopped`);
      }
      const info = await child.stop();
      return result(`stopped ${child.name}${was}${info?.escalated ? ' (it ignored SIGTERM: SIGKILLed after the grace period)' : ''}`);
    }
    case 'start': {
      if (child.pid !== null) return result(`${child.name} is already ${child.state} (pid ${child.pid})`);
      await child.start();
      const answering = c.kind === 'node' ? await sup.afterStart(c) : true;
      return result(`started ${child.name} (pid ${child.pid ?? '?'})${answering ? '' : '; it does not answer yet: see `raft-sup logs ' + child.name + '`'}`);
    }
    case 'restart': {
      let handoff = '';
      if (c.kind === 'node' && row.role === 'leader' && child.state === 'running') handoff = await handOffLeadership(sup, c, all);
      if (child.state === 'paused') child.resume();
      await child.stop();
      await child.start();
      const answering = c.kind === 'node' ? await sup.afterStart(c) : true;
      return result(`restarted ${child.name}${was}, now pid ${child.pid ?? '?'}${handoff}${answering ? '' : '; it does not answer yet'}`);
    }
    case 'pause': {
      if (child.state === 'paused') return result(`${child.name} was already paused`);
      child.pause();
      return result(`paused ${child.name}${was}`);
    }
    case 'resume': {
      if (child.state === 'running') return result(`${child.name} is not paused (it is running)`);
      child.resume();
      // The partition may have changed while it could not be told.
      await sup.syncFaults(c).catch(() => undefined);
      return result(`resumed ${child.name}`);
    }
  }
}

/** Ask the leader to hand over to its most up-to-date running follower; returns a note for the message. */
async function handOffLeadership(sup: Supervisor, leader: SupervisedChild, all: readonly StatusProcess[]): Promise<string> {
  let best: { id: number; match: number } | null = null;
  try {
    const st = await leader.client.nodeStatus({ timeoutMs: 2000 });
    for (const p of st.peers ?? []) {
      const row = all.find((r) => r.kind === 'node' && r.id === p.id);
      if (p.id === leader.id || row?.state !== 'running') continue;
      if (best === null || p.matchIndex > best.match) best = { id: p.id, match: p.matchIndex };
    }
  } catch { /* fall back to any running follower below */ }
  if (best === null) {
    const f = all.find((r) => r.kind === 'node' && r.id !== leader.id && r.state === 'running' && typeof r.id === 'number');
    if (f?.id != null) best = { id: f.id, match: -1 };
  }
  if (best === null) return '; no running follower could take over leadership';
  try {
    await leader.client.transferLeadership(best.id, { timeoutMs: 5000 });
    sup.log(`leadership moved from ${leader.child.name} to node-${best.id} before restarting it`);
    return `; leadership moved to node-${best.id} first`;
  } catch (err) {
    return `; leadership transfer to node-${best.id} failed (${err instanceof Error ? err.message : String(err)}), restarted anyway`;
  }
}

/** ` (leader, term 3)` for a node that answered, '' otherwise. */
function describeRole(row: StatusProcess | undefined): string {
  if (row?.role == null) return '';
  return row.term == null ? ` (${row.role})` : ` (${row.role}, term ${row.term})`;
}

function refused(name: string, action: ProcessAction, row: StatusProcess | undefined, message: string): ActionResult {
  return { name, action, ok: false, role: row?.role ?? null, term: row?.term ?? null, pid: row?.pid ?? null, state: row?.state ?? 'unknown', message };
}
