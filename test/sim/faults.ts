// The fault schedule of the safety phase: partitions (symmetric, one-way, splits), crashes between
// Readies and in the middle of one, leadership transfers and forced campaigns. Every decision is a
// draw from the seed's fault stream with the seed's parameters.
import type { Ready } from '../../src/raft/index.js';
import type { Network } from './network.js';
import type { SimNode } from './node.js';
import type { SimParams } from './params.js';
import type { Prng } from './prng.js';

/** Where in performing a Ready a node dies. before-persist loses the whole Ready. */
export type CrashPoint = 'before-persist' | 'after-persist' | 'after-send' | 'after-apply';
const CRASH_POINTS: readonly CrashPoint[] = ['before-persist', 'after-persist', 'after-send', 'after-apply'];

export interface FaultHost {
  readonly now: number;
  readonly nodes: readonly SimNode[];
  readonly net: Network;
  /** The up node that is leader in the highest term, if any. */
  leader(): SimNode | undefined;
  crash(node: SimNode, why: string): void;
  pause(node: SimNode, ticks: number): void;
  trace?: ((line: string) => void) | undefined;
}

export class Faults {
  /** Off in the liveness phase. */
  active = true;
  partitions = 0;
  transfers = 0;
  campaigns = 0;

  constructor(
    private readonly rng: Prng,
    private readonly p: SimParams,
    private readonly host: FaultHost,
  ) {}

  tick(): void {
    if (!this.active) return;
    const r = this.rng;
    if (r.chance(this.p.partitionRate)) this.changePartitions();
    if (r.chance(this.p.crashRate) && this.downCount() < this.p.maxDown) {
      const leader = this.host.leader();
      const up = this.host.nodes.filter((n) => n.up);
      const victim = leader && r.chance(this.p.leaderCrashShare) ? leader : up.length ? r.pick(up) : undefined;
      if (victim) this.host.crash(victim, victim === leader ? 'leader crash' : 'crash');
    }
    if (r.chance(this.p.pauseRate)) {
      const leader = this.host.leader();
      const running = this.host.nodes.filter((n) => n.up && !n.paused);
      const victim = leader && !leader.paused && r.chance(this.p.leaderPauseShare) ? leader : running.length ? r.pick(running) : undefined;
      if (victim) this.host.pause(victim, r.range(this.p.pauseMin, this.p.pauseMax));
    }
    if (r.chance(this.p.transferRate)) {
      const leader = this.host.leader();
      const raft = leader?.raft;
      if (leader && raft && !leader.paused) {
        const to = r.pick(this.host.nodes.filter((n) => n !== leader)).id;
        this.transfers++;
        this.host.trace?.(`t=${this.host.now} transfer leadership ${leader.id} → ${to}`);
        raft.transferLeadership(to);
      }
    }
    if (r.chance(this.p.campaignRate)) {
      const n = r.pick(this.host.nodes);
      if (n.raft && !n.paused && n.raft.role !== 'leader') {
        this.campaigns++;
        this.host.trace?.(`t=${this.host.now} node ${n.id} campaigns (forced)`);
        n.raft.campaign();
      }
    }
  }

  /** Whether a node dies while performing `rd`, and where. */
  crashPoint(rd: Ready, leaderCommitted: boolean): CrashPoint | undefined {
    if (!this.active || this.downCount() >= this.p.maxDown) return undefined;
    if (rd.softState?.role === 'leader' && this.rng.chance(this.p.electedCrashRate)) {
      return 'after-persist'; // a new leader dies with its no-op on its own disk only (Figure 8)
    }
    if (leaderCommitted && this.rng.chance(this.p.commitCrashRate)) {
      return 'after-persist'; // the leader decided to commit; nobody else has heard of it (Figure 8)
    }
    if (this.p.voteCrashRate > 0 && rd.messages.some((m) => m.type === 'VoteResp' && m.granted) && this.rng.chance(this.p.voteCrashRate)) {
      return 'after-send'; // the grant has left; does the vote survive the restart? (rule 5)
    }
    if (this.rng.chance(this.p.readyCrashRate)) return this.rng.pick(CRASH_POINTS);
    return undefined;
  }

  /** How long a node that crashes now stays down. */
  downTime(): number {
    return this.rng.range(this.p.downMin, this.p.downMax);
  }

  private downCount(): number {
    let n = 0;
    for (const node of this.host.nodes) if (!node.up) n++;
    return n;
  }

  private changePartitions(): void {
    const r = this.rng;
    const net = this.host.net;
    const ids = this.host.nodes.map((n) => n.id);
    this.partitions++;
    net.healPartitions();
    if (r.chance(this.p.healShare)) {
      this.host.trace?.(`t=${this.host.now} partitions healed`);
      return;
    }
    const leader = this.host.leader();
    const target = leader && r.chance(this.p.leaderPartitionShare) ? leader.id : r.pick(ids);
    const others = ids.filter((id) => id !== target);
    switch (r.int(5)) {
      case 0:
        net.split([target], others);
        break;
      case 1:
        for (const o of others) net.block(o, target); // target can talk but hears nothing
        break;
      case 2:
        for (const o of others) net.block(target, o); // target hears everything but cannot talk
        break;
      case 3: {
        // A random split with target on the minority side.
        const shuffled = r.shuffle(others.slice());
        const minority = [target, ...shuffled.slice(0, r.int(Math.floor((ids.length - 1) / 2)))];
        net.split(minority, ids.filter((id) => !minority.includes(id)));
        break;
      }
      default: {
        // A few random one-way cuts.
        const cuts = r.range(1, ids.length);
        for (let i = 0; i < cuts; i++) {
          const a = r.pick(ids);
          const b = r.pick(ids);
          if (a !== b) net.block(a, b);
        }
      }
    }
    this.host.trace?.(`t=${this.host.now} partitions: ${net.describePartitions()}`);
  }
}
