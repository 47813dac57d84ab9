// An in-memory network of Raft cores for deterministic, readable rule tests (not the big randomized
// simulator, which lives in test/sim). Every node runs a NodeDriver (persist → send → apply → advance);
// messages sit in a queue until delivered, subject to partitions and seeded faults. Time is the tick
// counter `now`. With `autoDeliver` (the default) every action runs the network until it is quiet;
// without it, tests deliver or drop queued messages by hand, one predicate at a time.
import {
  describeMessage,
  describeReady,
  type Message,
  type NodeId,
  type ProposeResult,
  type Raft,
  type RaftRestoreState,
} from '../../src/raft/index.js';
import { MemoryStore } from './memory-store.js';
import { NodeDriver, type RaftOverrides } from './node-driver.js';
import { Prng } from './prng.js';
import { Links, NO_FAULTS, type Faults, type MessagePredicate } from './links.js';
import { SafetyMonitor } from './safety-monitor.js';

export { NO_FAULTS, type Faults, type MessagePredicate } from './links.js';

export interface NetworkOptions {
  seed?: number;
  /** Node ids are 1..size (default 3). */
  size?: number;
  config?: RaftOverrides;
  configFor?: (id: NodeId) => RaftOverrides;
  /** Initial durable state per node (default: empty). */
  restore?: Readonly<Record<number, RaftRestoreState>>;
  faults?: Partial<Faults>;
  /** Default true: run the network until quiet after every action. */
  autoDeliver?: boolean;
}

const TRACE_LINES = 400;

export class Network {
  readonly seed: number;
  readonly ids: readonly NodeId[];
  readonly stores = new Map<NodeId, MemoryStore>();
  readonly nodes = new Map<NodeId, NodeDriver>();
  autoDeliver: boolean;
  /** The tick counter: the only clock. */
  now = 0;
  /** Every message handed to the network (before faults), for assertions. */
  sent: Message[] = [];
  /** Every message stepped into a core, in delivery order. */
  delivered: Message[] = [];

  private readonly links: Links;
  private readonly monitor = new SafetyMonitor();
  private readonly nodeRngs = new Map<NodeId, Prng>();
  private readonly overrides: (id: NodeId) => RaftOverrides;
  private readonly paused = new Set<NodeId>();
  private traceBuf: string[] = [];

  constructor(opts: NetworkOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.ids = Array.from({ length: opts.size ?? 3 }, (_, i) => i + 1);
    const rng = new Prng(this.seed);
    this.links = new Links(rng, { ...NO_FAULTS, ...opts.faults }, (line) => this.trace(line));
    this.autoDeliver = opts.autoDeliver ?? true;
    this.overrides = (id) => ({ ...opts.config, ...opts.configFor?.(id) });
    for (const id of this.ids) {
      this.nodeRngs.set(id, rng.fork(id));
      this.stores.set(id, new MemoryStore(opts.restore?.[id]));
      this.start(id);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Nodes

  node(id: NodeId): NodeDriver {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`node ${id} is not running`);
    return n;
  }

  raft(id: NodeId): Raft {
    return this.node(id).raft;
  }

  /** The running leader with the highest term, if any. */
  leader(): NodeId | undefined {
    let best: Raft | undefined;
    for (const n of this.nodes.values()) {
      if (n.raft.role === 'leader' && (best === undefined || n.raft.term > best.term)) best = n.raft;
    }
    return best?.id;
  }

  /** `id` leads and an entry of its term (its no-op) has committed: it may serve reads and commit. */
  leaderReady(id: NodeId): boolean {
    const r = this.nodes.get(id)?.raft;
    return r !== undefined && r.role === 'leader' && r.termAt(r.log.committed) === r.term;
  }

  /** Lose everything not persisted: the driver and its core are gone; the store stays. */
  crash(id: NodeId): void {
    this.node(id);
    this.nodes.delete(id);
    this.paused.delete(id);
    this.trace(`n${id} crashed`);
  }

  /**
   * kill -9 in the middle of a Ready: it was taken from the core but neither persisted nor sent.
   * Whatever it carried (a vote, new entries, acks) is lost with the process.
   */
  crashMidReady(id: NodeId): void {
    const r = this.raft(id);
    if (r.hasReady()) this.trace(`n${id} lost ${describeReady(r.ready())}`);
    this.crash(id);
  }

  restart(id: NodeId): void {
    if (this.nodes.has(id)) throw new Error(`node ${id} is already running`);
    this.start(id);
    this.trace(`n${id} restarted from ${describeStore(this.stores.get(id))}`);
    this.afterAction();
  }

  /** A paused node neither ticks nor receives; messages to it wait in the queue (a SIGSTOP). */
  pause(id: NodeId): void {
    this.node(id);
    this.paused.add(id);
  }

  resume(id: NodeId): void {
    this.paused.delete(id);
    this.afterAction();
  }

  // ------------------------------------------------------------------------------------------
  // Partitions and faults

  get faults(): Faults {
    return this.links.faults;
  }

  set faults(f: Faults) {
    this.links.faults = f;
  }

  /** Messages lost (partition, drop rate, crash, test) and extra copies made by duplication. */
  get counts(): { readonly lost: number; readonly duplicated: number } {
    return this.links.counts;
  }

  /** Safety violations seen so far (several leaders in a term, diverging applied entries). */
  get violations(): readonly string[] {
    return this.monitor.violations;
  }

  /** Drop messages both ways between a and b (in flight ones too). */
  cut(a: NodeId, b: NodeId): void {
    this.links.cutOneWay(a, b);
    this.links.cutOneWay(b, a);
  }

  cutOneWay(from: NodeId, to: NodeId): void {
    this.links.cutOneWay(from, to);
  }

  isolate(id: NodeId): void {
    for (const other of this.ids) if (other !== id) this.cut(id, other);
  }

  /** Remove every partition (faults stay as configured). */
  heal(): void {
    this.links.healAll();
    this.afterAction();
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.links.isCut(from, to);
  }

  /** Lose the next `count` messages matching `pred` when they are sent (a targeted fault). */
  loseNext(pred: MessagePredicate, count = 1): void {
    this.links.loseNext(pred, count);
  }

  // ------------------------------------------------------------------------------------------
  // Time and delivery

  /** Advance the clock: every running, unpaused node ticks once per tick. */
  tick(n = 1): void {
    for (let i = 0; i < n; i++) {
      this.now++;
      for (const id of this.ids) {
        const node = this.nodes.get(id);
        if (node !== undefined && !this.paused.has(id)) node.raft.tick();
      }
      this.afterAction();
    }
  }

  /** Perform every pending Ready (persist → send → apply → advance). Returns how many. */
  pump(): number {
    let count = 0;
    for (let progress = true; progress; ) {
      progress = false;
      for (const id of this.ids) {
        const node = this.nodes.get(id);
        if (node === undefined || this.paused.has(id)) continue;
        const rd = node.handleReady((m) => this.send(m));
        if (rd === undefined) continue;
        progress = true;
        count++;
        this.trace(`n${id} ready ${describeReady(rd)}`);
        this.monitor.observe(node.raft, rd.committedEntries);
      }
    }
    return count;
  }

  /** How many messages are queued, due or not. */
  queued(): number {
    return this.links.size();
  }

  /** Queued messages that are due now (optionally matching `pred`), in queue order. */
  inFlight(pred: MessagePredicate = () => true): Message[] {
    return this.links.due(this.now, pred);
  }

  /**
   * Deliver the due messages matching `pred` that are queued now (not the answers they provoke),
   * then perform the resulting Readies. Returns how many were delivered.
   */
  deliver(pred: MessagePredicate = () => true): number {
    const due = this.links.take(this.now, pred, (m) => this.paused.has(m.to));
    if (due.length === 0) return 0;
    let delivered = 0;
    for (const m of due) {
      const node = this.nodes.get(m.to);
      if (node === undefined || this.isCut(m.from, m.to)) {
        this.links.lose(m, node === undefined ? 'down' : 'cut');
        continue;
      }
      this.trace(`deliver ${describeMessage(m)}`);
      this.delivered.push(m);
      node.raft.step(m);
      delivered++;
    }
    this.pump();
    return delivered;
  }

  /** Put a copy of `m` in flight again, due now: a duplicate the network held back. */
  inject(m: Message): void {
    this.links.inject(m, this.now);
  }

  /** Remove queued messages matching `pred` (they are lost). Returns how many. */
  dropWhere(pred: MessagePredicate): number {
    return this.links.dropWhere(pred);
  }

  /**
   * Deliver (the messages matching `pred`) until none is due and no node has a Ready, without
   * advancing the clock.
   */
  settle(pred: MessagePredicate = () => true, maxRounds = 10_000): void {
    for (let round = 0; this.pump() > 0 || this.deliver(pred) > 0; round++) {
      if (round >= maxRounds) throw this.failure(`network did not settle within ${maxRounds} rounds`);
    }
  }

  /** Tick until `cond` holds. Returns the ticks used; throws with a trace when maxTicks pass. */
  tickUntil(cond: () => boolean, maxTicks: number, what = 'condition'): number {
    for (let t = 0; ; t++) {
      if (cond()) return t;
      if (t >= maxTicks) throw this.failure(`${what} not reached within ${maxTicks} ticks`);
      this.tick();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Client-ish helpers

  /**
   * Wait until there is a leader (`id` if given) whose no-op has committed. Returns its id. Runs
   * the network (delivering messages) even in manual mode.
   */
  electLeader(id?: NodeId, maxTicks = 500): NodeId {
    const manual = !this.autoDeliver;
    this.autoDeliver = true;
    try {
      if (id !== undefined) this.campaign(id);
      this.tickUntil(() => {
        const l = this.leader();
        return l !== undefined && (id === undefined || l === id) && this.leaderReady(l);
      }, maxTicks, id === undefined ? 'a leader' : `leader ${id}`);
    } finally {
      this.autoDeliver = !manual;
    }
    const l = this.leader();
    if (l === undefined) throw this.failure('leader vanished');
    return l;
  }

  campaign(id: NodeId): void {
    this.raft(id).campaign();
    this.afterAction();
  }

  propose(data: string, id: NodeId | undefined = this.leader()): ProposeResult {
    if (id === undefined) throw this.failure(`propose(${data}): no leader`);
    const res = this.raft(id).propose(data);
    this.afterAction();
    return res;
  }

  /**
   * Propose on the current leader and wait until the leader has applied it. Throws if the entry
   * applied at that index is not the proposed one (rule 18: leadership changed meanwhile).
   */
  proposeAndCommit(data: string, maxTicks = 200): { index: number; term: number; leader: NodeId } {
    const leader = this.leader();
    if (leader === undefined) throw this.failure(`proposeAndCommit(${data}): no leader`);
    const res = this.propose(data, leader);
    if (!res.ok) throw this.failure(`proposal ${data} refused by ${leader}: ${res.reason}`);
    this.tickUntil(() => {
      const node = this.nodes.get(leader);
      if (node !== undefined && node.raft.termAt(res.index) !== undefined && node.raft.termAt(res.index) !== res.term) {
        throw this.failure(`proposal ${data} at ${res.index}/t${res.term} was overwritten: leadership changed`);
      }
      return (node?.app.appliedIndex ?? 0) >= res.index;
    }, maxTicks, `commit of ${data}`);
    const applied = this.node(leader).app.applied.find((e) => e.index === res.index);
    if (applied?.term !== res.term || applied.data !== data) throw this.failure(`entry ${res.index} applied is not ${data}`);
    return { index: res.index, term: res.term, leader };
  }

  /** Tick until every listed node (default: all running) has applied `index`. */
  waitApplied(index: number, ids: readonly NodeId[] = [...this.nodes.keys()], maxTicks = 500): number {
    return this.tickUntil(() => ids.every((id) => (this.nodes.get(id)?.app.appliedIndex ?? -1) >= index), maxTicks, `apply of ${index} on ${ids.join(',')}`);
  }

  readIndex(id: NodeId, ctx: string): void {
    this.raft(id).readIndex(ctx);
    this.afterAction();
  }

  compact(id: NodeId, compactTo?: number): void {
    this.node(id).compact(this.ids, compactTo);
    this.trace(`n${id} compacted to ${compactTo ?? this.node(id).app.appliedIndex}`);
  }

  transferLeadership(from: NodeId, to: NodeId): boolean {
    const ok = this.raft(from).transferLeadership(to);
    this.afterAction();
    return ok;
  }

  // ------------------------------------------------------------------------------------------
  // Checks and diagnostics

  /** Throw (with the trace) if any safety violation was observed. */
  assertSafe(): void {
    if (this.violations.length > 0) throw this.failure(`safety violated: ${this.violations.join('; ')}`);
  }

  /** One line per node: role, term, commit, applied, log. */
  describe(): string {
    return this.ids
      .map((id) => {
        const n = this.nodes.get(id);
        if (n === undefined) return `n${id} down (${describeStore(this.stores.get(id))})`;
        const s = n.raft.status();
        const flags = `${this.paused.has(id) ? ' paused' : ''}`;
        return `n${id} ${s.role} t${s.term} vote=${s.vote} leader=${s.leader} commit=${s.commit} applied=${s.applied} log=${s.firstIndex}..${s.lastIndex}/t${s.lastTerm}${flags}`;
      })
      .join('\n');
  }

  traceTail(n = 60): string {
    return this.traceBuf.slice(-n).join('\n');
  }

  /** An Error that carries the seed, the nodes' state and the recent trace. */
  failure(what: string): Error {
    return new Error(`${what} (seed=${this.seed}, tick ${this.now})\n${this.describe()}\n--- last events ---\n${this.traceTail()}`);
  }

  // ------------------------------------------------------------------------------------------
  // Internals

  private start(id: NodeId): void {
    const store = this.stores.get(id);
    const rng = this.nodeRngs.get(id);
    if (store === undefined || rng === undefined) throw new Error(`unknown node ${id}`);
    this.nodes.set(id, new NodeDriver(id, this.ids, store, (n) => rng.int(n), this.overrides(id)));
  }

  private afterAction(): void {
    if (this.autoDeliver) this.settle();
    else this.pump();
  }

  private send(m: Message): void {
    this.sent.push(m);
    this.links.send(m, this.now);
  }

  private trace(line: string): void {
    this.traceBuf.push(`t${this.now} ${line}`);
    if (this.traceBuf.length > TRACE_LINES * 2) this.traceBuf = this.traceBuf.slice(-TRACE_LINES);
  }
}

function describeStore(s: MemoryStore | undefined): string {
  if (s === undefined) return 'no store';
  const h = s.hardState;
  return `stored t${h.term} vote=${h.vote} commit=${h.commit} log=${s.logStart.index + 1}..${s.lastIndex()}${s.snapshot ? ` snap=${s.snapshot.meta.index}` : ''}`;
}
