// The seeded cluster simulator (ARCHITECTURE "Testing layers" 3, VOPR style). N real Raft cores over
// in-memory storage and a faulty network, driven tick by tick. Safety phase: faults on, invariants
// checked after every step. Liveness phase: heal, restart, and demand convergence within a bound.
// Then the client history must be linearizable and no acknowledged write may be missing.
import { KvStateMachine } from '../../src/kv/index.js';
import { describeMessage, describeReady, type Message, type NodeId, type PlantedBugs, type Raft, type Ready } from '../../src/raft/index.js';
import { Clients, type ClientHost } from './clients.js';
import { Faults, type FaultHost } from './faults.js';
import { checkClientHistory, checkSameState, clusterConverged, describeCluster } from './final-checks.js';
import { Invariants, SimViolation } from './invariants.js';
import { Network } from './network.js';
import { SimNode, nodeConfig } from './node.js';
import { drawParams, type BugName, type SimParams } from './params.js';
import { Prng } from './prng.js';

export interface SimOptions {
  readonly seed: number;
  /** Cluster size; drawn from the seed (3 or 5) when absent. */
  readonly nodes?: number;
  /** Ticks of the safety phase (default 5000). */
  readonly ticks?: number;
  /** Tick budget of the liveness phase (default: from the election timeout). */
  readonly livenessTicks?: number;
  readonly bug?: BugName;
  /** Receives one line per event, message and Ready. */
  readonly trace?: (line: string) => void;
}

export interface SimStats {
  ticks: number;
  livenessTicks: number;
  messages: number;
  dropped: number;
  crashes: number;
  leaders: number;
  maxTerm: number;
  committed: number;
  ops: number;
  completedOps: number;
  retries: number;
  snapshotsTaken: number;
  snapshotsInstalled: number;
  transfers: number;
  oldTermCommits: number;
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  /** What failed and why (undefined when ok). */
  readonly failure?: string;
  readonly phase: 'safety' | 'liveness' | 'final';
  readonly tick: number;
  readonly params: SimParams;
  readonly stats: SimStats;
}

export const DEFAULT_TICKS = 5000;
/** Any one tick delivering more than this many messages is a message storm (a bug). */
const MAX_DELIVERIES_PER_TICK = 200_000;

export function runSimulation(opts: SimOptions): SimResult {
  return new Simulation(opts).run();
}

class Simulation implements ClientHost, FaultHost {
  readonly params: SimParams;
  readonly nodes: SimNode[];
  readonly nodeIds: NodeId[];
  readonly net: Network;
  readonly trace: ((line: string) => void) | undefined;
  now = 0;
  private events = 0;
  private phase: SimResult['phase'] = 'safety';
  private readonly inv: Invariants;
  private readonly clients: Clients;
  private readonly faults: Faults;
  private readonly rng: Prng;
  private snapshotsTaken = 0;
  private snapshotsInstalled = 0;

  constructor(private readonly opts: SimOptions) {
    this.params = drawParams(opts.seed, opts.nodes);
    this.trace = opts.trace;
    const root = new Prng(opts.seed);
    this.rng = root.fork(2);
    const p = this.params;
    this.nodeIds = Array.from({ length: p.nodes }, (_, i) => i + 1);
    const raftBugs: PlantedBugs | undefined = opts.bug && opts.bug !== 'skipSessionDedup' ? { [opts.bug]: true } : undefined;
    this.nodes = this.nodeIds.map((id) => {
      const nodeRng = root.fork(100 + id);
      const cfg = nodeConfig(id, this.nodeIds, (n) => nodeRng.int(n), {
        electionTick: p.electionTick,
        heartbeatTick: p.heartbeatTick,
        maxInflight: p.maxInflight,
        maxMsgBytes: p.maxMsgBytes,
        ...(raftBugs ? { bugs: raftBugs } : {}),
      });
      return new SimNode(id, cfg);
    });
    this.net = new Network(root.fork(3), this.nodeIds, { drop: p.dropRate, dup: p.dupRate, minDelay: p.minDelay, maxDelay: p.maxDelay });
    this.inv = new Invariants(() => this.upLeaders());
    this.clients = new Clients(root.fork(4), p, this, opts.bug === 'skipSessionDedup');
    this.faults = new Faults(root.fork(5), p, this);
  }

  run(): SimResult {
    const ticks = this.opts.ticks ?? DEFAULT_TICKS;
    const livenessBudget = this.opts.livenessTicks ?? livenessBound(this.params);
    let livenessTicks = 0;
    try {
      for (const n of this.nodes) this.restart(n);
      for (let t = 0; t < ticks; t++) this.step(true);

      this.phase = 'liveness';
      this.faults.active = false;
      this.net.healPartitions();
      this.net.calm(Math.max(1, Math.floor(this.params.electionTick / 4)));
      this.trace?.(`t=${this.now} liveness phase: healed, no more faults`);
      for (const n of this.nodes) {
        if (!n.up) n.downUntil = this.now;
        if (n.paused) n.pausedUntil = this.now;
      }
      const start = this.now;
      while (!clusterConverged(this.nodes, this.leader()?.raft, this.clients.pending())) {
        if (this.now - start >= livenessBudget) {
          return this.result(`liveness: not converged ${livenessBudget} ticks after healing: ${describeCluster(this.nodes, this.clients.pending())}`, this.now - start);
        }
        this.step(false);
      }
      livenessTicks = this.now - start;
      this.phase = 'final';
      this.finalChecks();
      return this.result(undefined, livenessTicks);
    } catch (e) {
      const what = e instanceof SimViolation ? e.message : `exception: ${e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 3).join(' | ') : String(e)}`;
      return this.result(what, livenessTicks);
    }
  }

  // ------------------------------------------------------------------------------------------
  // One tick: faults, restarts, snapshots, node clocks, clients, then every message due this tick.

  private step(safety: boolean): void {
    this.now++;
    if (safety) this.faults.tick();
    for (const n of this.nodes) if (!n.up && n.downUntil <= this.now) this.restart(n);
    for (const n of this.nodes) if (n.paused && n.pausedUntil <= this.now) this.resume(n);
    for (const n of this.nodes) if (n.up && !n.paused && this.rng.chance(this.params.snapshotRate)) this.maybeSnapshot(n);
    for (const n of this.rng.shuffle(this.nodes.slice())) {
      const raft = n.raft;
      if (raft === undefined || n.paused) continue;
      // Clock drift: a slow node misses some ticks (only liveness may depend on timing).
      const rate = safety ? (this.params.tickRates[n.id - 1] ?? 1) : 1;
      if (rate < 1 && !this.rng.chance(rate)) continue;
      raft.tick();
      this.drive(n);
    }
    this.clients.tick(safety);
    let delivered = 0;
    for (;;) {
      const due = this.net.takeDue(this.now);
      if (due.length === 0) break;
      for (const m of due) this.deliver(m);
      delivered += due.length;
      if (delivered > MAX_DELIVERIES_PER_TICK) throw new SimViolation(`message storm: more than ${MAX_DELIVERIES_PER_TICK} deliveries in tick ${this.now}`);
    }
  }

  private deliver(m: Message): void {
    const n = this.nodes[m.to - 1];
    const raft = n?.raft;
    if (n === undefined || raft === undefined) return;
    if (n.paused) {
      this.net.deferTo(m, n.pausedUntil); // sits in the socket until the process runs again
      return;
    }
    this.trace?.(`t=${this.now} deliver ${describeMessage(m)}`);
    raft.step(m);
    this.drive(n);
  }

  /** Perform every Ready of `n` in order: persist → send → apply → advance, maybe crashing midway. */
  private drive(n: SimNode): void {
    const raft = n.raft;
    if (raft === undefined) return;
    while (n.raft === raft && raft.hasReady()) {
      const rd = raft.ready();
      this.trace?.(`t=${this.now} n${n.id} t${raft.term} ${raft.role} ready: ${describeReady(rd)}`);
      const leaderCommitted = raft.role === 'leader' && rd.hardState !== undefined && rd.hardState.commit > n.commitSeen;
      const crashAt = this.faults.crashPoint(rd, leaderCommitted);
      if (crashAt === 'before-persist') return this.crash(n, 'crash before persisting a Ready');
      n.storage.persist(rd);
      this.inv.onPersist(raft, rd);
      if (rd.hardState && rd.hardState.commit > n.commitSeen) {
        this.inv.onCommit(raft, n.commitSeen, rd.hardState.commit);
        n.commitSeen = rd.hardState.commit;
      }
      if (crashAt === 'after-persist') return this.crash(n, 'crash after persisting, before sending');
      for (const m of rd.messages) {
        this.inv.onSend(m);
        this.net.send(m, this.now);
      }
      if (crashAt === 'after-send') return this.crash(n, 'crash after sending, before applying');
      this.apply(n, rd);
      if (crashAt === 'after-apply') return this.crash(n, 'crash after applying, before advance');
      raft.advance(rd);
    }
    this.inv.afterStep(raft);
  }

  private apply(n: SimNode, rd: Ready): void {
    if (rd.snapshot) {
      const meta = rd.snapshot.meta;
      n.kv = KvStateMachine.restore(rd.snapshot.data);
      if (n.kv.appliedIndex !== meta.index) throw new SimViolation(`node ${n.id}: snapshot ${meta.index} restores a state machine at ${n.kv.appliedIndex}`);
      n.lastSnapshot = Math.max(n.lastSnapshot, meta.index);
      this.snapshotsInstalled++;
      for (const [index, w] of n.proposals) {
        if (index > meta.index) continue;
        n.proposals.delete(index);
        this.clients.onWriteIndefinite(w.client, w.opId);
      }
    }
    for (const e of rd.committedEntries) {
      const res = n.kv.apply(e);
      this.inv.onApply(n.id, e);
      if (res && res.ok && (res.op === 'put' || res.op === 'cas') && res.index === e.index) this.inv.onExecuted(n.id, res.value, e.index);
      const w = n.proposals.get(e.index);
      if (w === undefined) continue;
      n.proposals.delete(e.index);
      // Rule 18: the entry applied at our index must be the one we proposed, or the answer is indefinite.
      if (w.term === e.term && res !== undefined) this.clients.onWriteResult(w.client, w.opId, res);
      else this.clients.onWriteIndefinite(w.client, w.opId);
    }
    for (const f of rd.readFailures) {
      const r = n.reads.get(f.ctx);
      if (r === undefined) continue;
      n.reads.delete(f.ctx);
      this.clients.onReadFailed(r.client, r.opId);
    }
    for (const s of rd.readStates) n.readWaiters.push(s);
    if (n.readWaiters.length > 0) {
      const applied = n.kv.appliedIndex;
      n.readWaiters = n.readWaiters.filter((w) => {
        if (w.index > applied) return true;
        const r = n.reads.get(w.ctx);
        if (r !== undefined) {
          n.reads.delete(w.ctx);
          this.clients.onReadResult(r.client, r.opId, n.kv.get(r.key) ?? null);
        }
        return false;
      });
    }
  }

  private maybeSnapshot(n: SimNode): void {
    const raft = n.raft;
    if (raft === undefined) return;
    const applied = raft.log.applied;
    if (applied === 0 || applied - n.lastSnapshot < this.params.snapshotMinGap) return;
    const term = raft.termAt(applied);
    if (term === undefined || n.kv.appliedIndex !== applied) return;
    const snap = { meta: { index: applied, term, voters: this.nodeIds }, data: n.kv.snapshot() };
    this.inv.onSnapshot(n.id, applied, snap.data);
    const compactTo = Math.min(Math.max(0, applied - this.params.snapshotKeep), raft.log.stabled);
    n.storage.compact(snap, compactTo);
    raft.compact(snap, compactTo);
    n.lastSnapshot = applied;
    this.snapshotsTaken++;
    this.trace?.(`t=${this.now} n${n.id} snapshot at ${applied}/t${term}, log compacted to ${compactTo}`);
  }

  // ------------------------------------------------------------------------------------------
  // Crash and restart.

  crash(n: SimNode, why: string): void {
    const lost = n.crash();
    n.downUntil = this.now + this.faults.downTime();
    this.trace?.(`t=${this.now} n${n.id} ${why}; down until t=${n.downUntil}`);
    for (const w of lost.writes) this.clients.onWriteIndefinite(w.client, w.opId);
    for (const r of lost.reads) this.clients.onReadFailed(r.client, r.opId);
    for (const h of lost.held) {
      if (h.kind === 'write') this.clients.onWriteIndefinite(h.client, h.opId);
      else this.clients.onReadFailed(h.client, h.opId);
    }
  }

  pause(n: SimNode, ticks: number): void {
    if (!n.up || n.paused) return;
    n.paused = true;
    n.pausedUntil = this.now + ticks;
    this.trace?.(`t=${this.now} n${n.id} paused until t=${n.pausedUntil}`);
  }

  /** The process runs again: first the client requests that waited, then (this tick) the messages. */
  private resume(n: SimNode): void {
    n.paused = false;
    this.trace?.(`t=${this.now} n${n.id} resumes with ${n.held.length} client request(s) waiting`);
    const held = n.held;
    n.held = [];
    for (const h of held) {
      if (h.kind === 'write') {
        if (this.propose(n, h.data, h.client, h.opId).kind !== 'proposed') this.clients.onWriteIndefinite(h.client, h.opId);
      } else {
        this.readIndex(n, h.ctx, h.key, h.client, h.opId);
      }
    }
  }

  private restart(n: SimNode): void {
    const raft = n.start();
    const s = raft.status();
    this.trace?.(`t=${this.now} n${n.id} starts: term ${s.term} vote ${s.vote} commit ${s.commit} log ${s.firstIndex}..${s.lastIndex} snapshot ${s.snapshotIndex}`);
    this.drive(n);
  }

  // ------------------------------------------------------------------------------------------
  // ClientHost / FaultHost.

  clock(): number {
    return ++this.events;
  }

  tryWrite(node: NodeId, data: string, client: number, opId: number): { kind: 'down' } | { kind: 'redirect'; leader: NodeId } | { kind: 'proposed' } {
    const n = this.nodes[node - 1];
    if (n === undefined || !n.up) return { kind: 'down' };
    if (n.paused) {
      n.held.push({ kind: 'write', data, client, opId });
      return { kind: 'proposed' };
    }
    return this.propose(n, data, client, opId);
  }

  private propose(n: SimNode, data: string, client: number, opId: number): { kind: 'down' } | { kind: 'redirect'; leader: NodeId } | { kind: 'proposed' } {
    const raft = n.raft;
    if (raft === undefined) return { kind: 'down' };
    const res = raft.propose(data);
    if (!res.ok) return { kind: 'redirect', leader: res.leader };
    n.proposals.set(res.index, { term: res.term, client, opId });
    this.drive(n);
    return { kind: 'proposed' };
  }

  tryRead(node: NodeId, ctx: string, key: string, client: number, opId: number): 'down' | 'sent' {
    const n = this.nodes[node - 1];
    if (n === undefined || !n.up) return 'down';
    if (n.paused) n.held.push({ kind: 'read', ctx, key, client, opId });
    else this.readIndex(n, ctx, key, client, opId);
    return 'sent';
  }

  private readIndex(n: SimNode, ctx: string, key: string, client: number, opId: number): void {
    const raft = n.raft;
    if (raft === undefined) return;
    n.reads.set(ctx, { client, opId, key });
    raft.readIndex(ctx);
    this.drive(n);
  }

  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes) {
      if (n.raft?.role === 'leader' && (best === undefined || n.raft.term > (best.raft?.term ?? 0))) best = n;
    }
    return best;
  }

  private upLeaders(): Raft[] {
    const out: Raft[] = [];
    for (const n of this.nodes) if (n.raft?.role === 'leader') out.push(n.raft);
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Liveness and the final checks.

  private finalChecks(): void {
    const leader = this.leader();
    if (leader?.raft === undefined) throw new SimViolation('final: no leader after convergence');
    this.inv.checkFinalLeader(leader.raft);
    checkSameState(this.nodes, leader);
    this.clients.abandonPending();
    const finalReads = new Map<string, string | null>();
    for (let k = 0; k < this.params.keys; k++) finalReads.set(`k${k}`, leader.kv.get(`k${k}`) ?? null);
    checkClientHistory(this.clients.history, finalReads, this.clock(), `n${leader.id}`);
  }

  private result(failure: string | undefined, livenessTicks: number): SimResult {
    let maxTerm = 0;
    for (const n of this.nodes) maxTerm = Math.max(maxTerm, n.raft?.term ?? n.storage.hardState.term);
    return {
      seed: this.opts.seed,
      ok: failure === undefined,
      ...(failure !== undefined ? { failure } : {}),
      phase: this.phase,
      tick: this.now,
      params: this.params,
      stats: {
        ticks: this.now,
        livenessTicks,
        messages: this.net.delivered,
        dropped: this.net.dropped,
        crashes: this.nodes.reduce((s, n) => s + n.crashes, 0),
        leaders: this.inv.leadersElected,
        maxTerm,
        committed: this.inv.maxCommitted,
        ops: this.clients.history.length,
        completedOps: this.clients.completed,
        retries: this.clients.retries,
        snapshotsTaken: this.snapshotsTaken,
        snapshotsInstalled: this.snapshotsInstalled,
        transfers: this.faults.transfers,
        oldTermCommits: this.inv.oldTermCommits,
      },
    };
  }
}

/** Ticks the healed cluster gets to elect a leader, finish every client operation and converge. */
export function livenessBound(p: SimParams): number {
  return 300 + 60 * p.electionTick;
}
