// The nemesis: walks the seeded schedule against the live cluster and records what really happened.
//
// One fault at a time: start it, hold it, undo it, rest. Each fault's victim is resolved when it
// starts (the leader *now*), with the seeded stream choosing among followers, so the record says
// "kill -9 node-2 (leader, term 4)" and the report can shade exactly that period. Every action goes
// through the supervisor's control API, except the one-way cut, which the supervisor cannot express
// (its partitions are symmetric) and which is set on the node's own fault filter.
import { KvClient } from '../client/index.js';
import type { ClusterStatus, StatusProcess } from '../supervisor/index.js';
import type { ChaosCluster } from './cluster.js';
import type { FaultKind } from './nemesis-kinds.js';
import { streamFor, type Prng } from './prng.js';
import type { PlannedFault, Schedule } from './schedule.js';
import { sleep } from './timing.js';

/** What one fault really did. Times are on the history's monotonic clock. */
export interface FaultRecord {
  index: number;
  kind: FaultKind;
  planned: PlannedFault;
  /** "kill -9 node-2 (leader, term 4)". */
  label: string;
  /** The nodes it hit (names), in id order. */
  nodes: string[];
  /** Partitions: the groups of node ids. */
  groups?: number[][];
  start: number;
  /** When the undo finished; null while the fault is active. */
  end: number | null;
  /** Successful client operations so far when it started / ended (the replay's clock). */
  startOps: number;
  endOps: number;
  /** Anything that did not go as planned (a refused action, no leader to hit). */
  problems: string[];
}

export interface NemesisOptions {
  schedule: Schedule;
  cluster: ChaosCluster;
  /** Same clock as the history recorder. */
  clock: () => number;
  /** Successful client operations so far. */
  okOps: () => number;
  /** A line for the progress output ("fault 3: kill -9 node-2 (leader, term 4)"). */
  log: (line: string) => void;
}

type Undo = () => Promise<void>;

export class Nemesis {
  readonly records: FaultRecord[] = [];
  readonly #o: NemesisOptions;
  readonly #rng: Prng;
  #active: FaultRecord | null = null;

  constructor(opts: NemesisOptions) {
    this.#o = opts;
    this.#rng = streamFor(opts.schedule.seed, 'victims');
  }

  /** The fault in force right now, if any. */
  get active(): FaultRecord | null {
    return this.#active;
  }

  /**
   * Run the schedule from `t0` (clock ms when the load began) until it is exhausted, the run's
   * duration is over, or `signal` aborts. A fault in force when that happens is undone first.
   */
  async run(t0: number, signal: AbortSignal): Promise<void> {
    const { schedule, clock } = this.#o;
    for (const planned of schedule.faults) {
      await sleep(t0 + planned.atMs - clock(), signal);
      if (signal.aborted || clock() - t0 >= schedule.durationMs) return;
      const rec: FaultRecord = {
        index: planned.index, kind: planned.kind, planned, label: planned.kind, nodes: [],
        start: clock(), end: null, startOps: this.#o.okOps(), endOps: 0, problems: [],
      };
      let undo: Undo | null = null;
      try {
        undo = await this.#begin(planned, rec);
      } catch (err) {
        rec.problems.push(`could not start: ${message(err)}`);
      }
      this.records.push(rec);
      this.#active = rec;
      this.#o.log(`fault ${rec.index}: ${rec.label}${rec.problems.length ? ` (${rec.problems.join('; ')})` : ''}`);
      // Hold until the planned length or the end of the run, whichever is first.
      const left = Math.min(planned.holdMs, t0 + schedule.durationMs - clock());
      await sleep(left, signal);
      const before = rec.problems.length;
      if (undo !== null) {
        try {
          await undo();
        } catch (err) {
          rec.problems.push(`could not undo: ${message(err)}`);
        }
      }
      rec.end = clock();
      rec.endOps = this.#o.okOps();
      this.#active = null;
      this.#o.log(`fault ${rec.index} undone after ${((rec.end - rec.start) / 1000).toFixed(1)} s${rec.problems.length > before ? ` (${rec.problems.slice(before).join('; ')})` : ''}`);
    }
  }

  /** Apply `f`, fill in the record, return how to undo it. */
  async #begin(f: PlannedFault, rec: FaultRecord): Promise<Undo | null> {
    const { control } = this.#o.cluster;
    const status = await control.status();
    const nodes = status.processes.filter((p) => p.kind === 'node' && typeof p.id === 'number');
    const running = nodes.filter((p) => p.state === 'running');
    const all = nodes.map((p) => p.id as number);
    const checked = async (action: Parameters<typeof control.act>[0], target: string): Promise<void> => {
      const results = await control.act(action, target);
      const refused = results.filter((r) => !r.ok).map((r) => r.message);
      if (refused.length > 0) throw new Error(refused.join('; '));
    };
    switch (f.kind) {
      case 'kill':
      case 'pause': {
        const victim = this.#victim(f.role, running, status, rec);
        if (victim === null) return null;
        await checked(f.kind, victim.name);
        rec.nodes = [victim.name];
        rec.label = `${f.kind === 'kill' ? 'kill -9' : 'pause'} ${victim.name}${roleNote(victim)}`;
        return () => checked(f.kind === 'kill' ? 'start' : 'resume', victim.name);
      }
      case 'isolate': {
        const victim = this.#victim(f.role, running, status, rec);
        if (victim === null) return null;
        const r = await control.isolate(victim.name);
        rec.nodes = [victim.name];
        rec.groups = r.groups;
        rec.label = `isolate ${victim.name}${roleNote(victim)}`;
        return async () => { await control.heal(); };
      }
      case 'split': {
        const minoritySize = Math.max(1, Math.floor((all.length - 1) / 2));
        const leader = status.leader;
        const others = all.filter((id) => id !== leader);
        const minority: number[] = [];
        if (f.role === 'leader' && leader !== null) minority.push(leader);
        else if (f.role === 'leader') rec.problems.push('no leader: a random minority instead');
        while (minority.length < minoritySize) {
          const pool = others.filter((id) => !minority.includes(id));
          if (pool.length === 0) break;
          minority.push(this.#rng.pick(pool));
        }
        minority.sort((a, b) => a - b);
        const majority = all.filter((id) => !minority.includes(id));
        const r = await control.partition([minority.join(','), majority.join(',')]);
        rec.groups = r.groups;
        rec.nodes = minority.map((id) => `node-${id}`);
        rec.label = `partition {${minority.join(',')}} | {${majority.join(',')}}${leader === null ? '' : ` (leader node-${leader} in the ${minority.includes(leader) ? 'minority' : 'majority'})`}`;
        return async () => { await control.heal(); };
      }
      case 'one-way': {
        const victim = this.#victim(f.role, running, status, rec);
        if (victim === null) return null;
        const id = victim.id as number;
        const rest = all.filter((x) => x !== id);
        const node = new KvClient(this.#o.cluster.nodeUrl(id), { timeoutMs: 3000, connections: 1 });
        try {
          await node.setFaults(f.direction === 'deaf' ? { dropFrom: rest } : { dropTo: rest });
        } catch (err) {
          await node.close();
          throw err;
        }
        rec.nodes = [victim.name];
        rec.label = f.direction === 'deaf'
          ? `one-way: ${victim.name}${roleNote(victim)} hears nothing from ${rest.map((x) => `node-${x}`).join(', ')}`
          : `one-way: ${rest.map((x) => `node-${x}`).join(', ')} hear nothing from ${victim.name}${roleNote(victim)}`;
        return async () => {
          try {
            await node.heal();
          } finally {
            await node.close();
          }
        };
      }
      case 'restart-all': {
        const target = all.join(',');
        await checked('kill', target);
        rec.nodes = all.map((id) => `node-${id}`);
        rec.label = `kill -9 every node (${rec.nodes.join(', ')}), then start them all`;
        return () => checked('start', target);
      }
    }
  }

  /** The node a role stands for right now; falls back to any running node (noted) or null. */
  #victim(role: PlannedFault['role'], running: StatusProcess[], status: ClusterStatus, rec: FaultRecord): StatusProcess | null {
    const leader = running.find((p) => p.id === status.leader && p.role === 'leader');
    let pick: StatusProcess | undefined;
    if (role === 'leader') pick = leader;
    else if (role === 'follower') {
      const followers = running.filter((p) => p !== leader);
      pick = followers.length > 0 ? this.#rng.pick(followers) : undefined;
    } else pick = running.length > 0 ? this.#rng.pick(running) : undefined;
    if (pick !== undefined) return pick;
    if (running.length === 0) {
      rec.problems.push('no running node to hit');
      rec.label = `${rec.kind}: skipped (no running node)`;
      return null;
    }
    rec.problems.push(`no ${role} right now: a random node instead`);
    return this.#rng.pick(running);
  }
}

/** " (leader, term 4)" / " (follower)" for a status row. */
function roleNote(p: StatusProcess): string {
  if (p.role == null) return '';
  return p.term == null ? ` (${p.role})` : ` (${p.role}, term ${p.term})`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
