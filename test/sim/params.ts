// Fault parameters drawn from the seed (VOPR style): first a regime, then every knob within the
// regime's ranges, so different seeds explore different worlds (calm, lossy, partition-heavy, a
// leader hunter...) and any failure replays exactly from its seed.
import type { PlantedBugs } from '../../src/raft/index.js';
import { Prng } from './prng.js';

/** The planted core bugs plus one the simulator plants itself (commands sent without a session). */
export type BugName = keyof PlantedBugs | 'skipSessionDedup';
export const BUG_NAMES: readonly BugName[] = [
  'commitOldTermByCounting',
  'voteBeforePersist',
  'followerReadWithoutReadIndex',
  'resetTimerOnAnyMessage',
  'skipSessionDedup',
];

export const REGIMES = ['calm', 'lossy', 'partitions', 'crashes', 'leader-hunter', 'figure8', 'snapshots', 'chaos'] as const;
export type Regime = (typeof REGIMES)[number];

export interface SimParams {
  readonly regime: Regime;
  readonly nodes: number;
  // Raft timing and flow control.
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly maxInflight: number;
  /** Small values force one entry per append, which Figure-8 style histories need. */
  readonly maxMsgBytes: number;
  // Network, per link: a delay drawn in [minDelay, maxDelay], drop and duplicate probabilities.
  readonly minDelay: number;
  readonly maxDelay: number;
  readonly dropRate: number;
  readonly dupRate: number;
  /** Per tick: probability that the partition layout changes (heal, isolate, split, one-way cut). */
  readonly partitionRate: number;
  /** Given a change, how likely it is a heal rather than a new partition. */
  readonly healShare: number;
  /** Given a new partition, how likely it targets the current leader. */
  readonly leaderPartitionShare: number;
  // Crashes.
  /** Per tick: probability that one node crashes. */
  readonly crashRate: number;
  /** Given a crash, how likely the victim is the current leader. */
  readonly leaderCrashShare: number;
  /** Per Ready: probability of crashing in the middle of performing it. */
  readonly readyCrashRate: number;
  /** Per Ready that grants a vote: probability of crashing right after sending it. */
  readonly voteCrashRate: number;
  /** Per Ready in which a leader's commit index advances: probability of crashing right after persisting it. */
  readonly commitCrashRate: number;
  /** Per Ready in which a node has just become leader: probability of crashing before its no-op leaves. */
  readonly electedCrashRate: number;
  readonly maxDown: number;
  readonly downMin: number;
  readonly downMax: number;
  /** Per tick: probability that one node pauses (a GC pause, SIGSTOP): no ticks, messages and requests wait. */
  readonly pauseRate: number;
  readonly leaderPauseShare: number;
  readonly pauseMin: number;
  readonly pauseMax: number;
  /** Per node: probability that a tick reaches it (clock drift; timing only affects liveness). */
  readonly tickRates: readonly number[];
  // Application.
  readonly snapshotRate: number;
  readonly snapshotMinGap: number;
  /** Entries kept behind the snapshot after compaction (0 forces InstallSnapshot more often). */
  readonly snapshotKeep: number;
  readonly transferRate: number;
  readonly campaignRate: number;
  // Clients.
  readonly clients: number;
  readonly keys: number;
  /** Per tick per idle client: probability of starting an operation. */
  readonly issueRate: number;
  readonly readShare: number;
  readonly followerReadShare: number;
  /** Ticks an attempt may stay unanswered before the client retries elsewhere. */
  readonly attemptTimeout: number;
}

/** Draw the regime and every knob from `seed`. `nodes` overrides the drawn cluster size. */
export function drawParams(seed: number, nodes?: number): SimParams {
  const r = new Prng(seed).fork(1);
  const regime = r.pick(REGIMES);
  const n = nodes ?? (r.chance(0.5) ? 3 : 5);
  const electionTick = r.range(5, 20);
  const heartbeatTick = Math.max(1, Math.min(electionTick - 1, r.range(1, Math.floor(electionTick / 3))));
  // Below ~90 bytes every append carries one entry (a noop is 32 bytes, a command ~60 with overhead).
  const maxMsgBytes = regime === 'figure8' ? r.range(1, 64) : r.chance(0.25) ? r.range(1, 200) : 1024 * 1024;
  const maxInflight = r.chance(0.3) ? r.range(1, 4) : r.range(5, 256);
  const maxDelay = r.chance(0.2) ? r.range(electionTick, 3 * electionTick) : r.range(0, Math.max(1, Math.floor(electionTick / 2)));
  const minDelay = r.range(0, Math.min(1, maxDelay));
  const some = (p: number, lo: number, hi: number): number => (r.chance(p) ? lo + r.float() * (hi - lo) : 0);

  const base = {
    regime,
    nodes: n,
    electionTick,
    heartbeatTick,
    maxInflight,
    maxMsgBytes,
    minDelay,
    maxDelay,
    dropRate: some(0.5, 0, 0.1),
    dupRate: some(0.4, 0, 0.1),
    partitionRate: some(0.6, 0.001, 0.02),
    healShare: 0.3 + r.float() * 0.5,
    leaderPartitionShare: r.float() * 0.5,
    crashRate: some(0.6, 0.0005, 0.01),
    leaderCrashShare: r.float() * 0.5,
    readyCrashRate: some(0.5, 0, 0.01),
    voteCrashRate: some(0.3, 0, 0.3),
    commitCrashRate: some(0.3, 0, 0.05),
    electedCrashRate: some(0.3, 0, 0.1),
    maxDown: r.range(1, n - 1),
    downMin: 0,
    downMax: r.range(1, 10 * electionTick),
    tickRates: Array.from({ length: n }, () => (r.chance(0.3) ? 0.7 + r.float() * 0.3 : 1)),
    snapshotRate: some(0.7, 0.005, 0.1),
    snapshotMinGap: r.range(1, 100),
    snapshotKeep: r.chance(0.5) ? 0 : r.range(1, 30),
    pauseRate: some(0.4, 0.0005, 0.01),
    leaderPauseShare: r.float(),
    pauseMin: 1,
    pauseMax: r.range(electionTick, 6 * electionTick),
    transferRate: some(0.5, 0.0005, 0.01),
    campaignRate: some(0.2, 0.0005, 0.005),
    clients: r.range(1, 6),
    keys: r.range(1, 5),
    issueRate: 0.05 + r.float() * 0.5,
    readShare: 0.2 + r.float() * 0.4,
    followerReadShare: r.float(),
    attemptTimeout: r.range(2, 6) * electionTick,
  };

  switch (regime) {
    case 'calm':
      return { ...base, dropRate: 0, dupRate: 0, partitionRate: 0, crashRate: some(0.3, 0.0005, 0.002), readyCrashRate: 0, voteCrashRate: 0, commitCrashRate: 0, electedCrashRate: 0, pauseRate: 0 };
    case 'lossy':
      return { ...base, dropRate: 0.05 + r.float() * 0.25, dupRate: r.float() * 0.2, maxDelay: Math.max(base.maxDelay, r.range(2, electionTick)) };
    case 'partitions':
      // Also pause leaders (thesis §6.4 / rule 19: a paused leader resumes and must not serve stale reads).
      return {
        ...base,
        partitionRate: 0.005 + r.float() * 0.05,
        healShare: 0.2 + r.float() * 0.4,
        leaderPartitionShare: 0.3 + r.float() * 0.6,
        // Long enough for the others to elect a new leader and commit writes.
        pauseRate: 0.002 + r.float() * 0.01,
        leaderPauseShare: 0.5 + r.float() * 0.5,
        pauseMin: 2 * electionTick,
        pauseMax: r.range(3 * electionTick, 8 * electionTick),
      };
    case 'crashes':
      return { ...base, crashRate: 0.002 + r.float() * 0.02, readyCrashRate: 0.002 + r.float() * 0.02, downMax: r.range(1, 4 * electionTick) };
    case 'leader-hunter':
      // Elections all the time: leaders crash or get cut off, voters crash right after voting and
      // come back at once (what voteBeforePersist needs), messages are slow enough to overlap
      // elections.
      return {
        ...base,
        crashRate: 0.005 + r.float() * 0.02,
        leaderCrashShare: 0.6 + r.float() * 0.4,
        voteCrashRate: 0.3 + r.float() * 0.7,
        readyCrashRate: r.float() * 0.01,
        downMin: 0,
        downMax: r.range(0, 3),
        partitionRate: r.float() * 0.02,
        leaderPartitionShare: 0.7,
        minDelay: r.range(0, 2),
        maxDelay: r.range(2, electionTick),
      };
    case 'figure8':
      // Leaders that die right after winning (their no-op on their own disk only) or right after
      // committing, one entry per append, up to all-but-one node down: the histories of the
      // paper's Figure 8, where counting replicas of an old-term entry loses a committed entry.
      return {
        ...base,
        commitCrashRate: 0.3 + r.float() * 0.6,
        electedCrashRate: 0.2 + r.float() * 0.5,
        crashRate: r.float() * 0.02,
        leaderCrashShare: 0.7 + r.float() * 0.3,
        maxDown: n - 1,
        downMin: r.range(0, electionTick),
        downMax: r.range(2 * electionTick, 5 * electionTick),
        dropRate: 0,
        partitionRate: r.float() * 0.01,
        leaderPartitionShare: 0.8,
        readyCrashRate: 0,
        voteCrashRate: 0,
        snapshotRate: r.chance(0.5) ? 0 : base.snapshotRate,
      };
    case 'snapshots':
      // Compaction all the time and lagging followers, so InstallSnapshot is routine; duplicated
      // and long-delayed messages, so old snapshots and appends arrive after newer ones.
      return {
        ...base,
        snapshotRate: 0.05 + r.float() * 0.2,
        snapshotMinGap: r.range(1, 10),
        snapshotKeep: r.chance(0.7) ? 0 : r.range(1, 5),
        dupRate: 0.05 + r.float() * 0.25,
        dropRate: r.float() * 0.1,
        maxDelay: r.range(electionTick, 3 * electionTick),
        minDelay: 0,
        partitionRate: 0.005 + r.float() * 0.02,
        crashRate: 0.002 + r.float() * 0.01,
        downMax: r.range(2 * electionTick, 8 * electionTick),
      };
    case 'chaos':
      return {
        ...base,
        dropRate: r.float() * 0.2,
        dupRate: r.float() * 0.2,
        partitionRate: 0.002 + r.float() * 0.03,
        crashRate: 0.002 + r.float() * 0.015,
        readyCrashRate: r.float() * 0.02,
        voteCrashRate: r.float() * 0.5,
      };
  }
}

/** One line for the progress output and failure reports. */
export function describeParams(p: SimParams): string {
  const pct = (x: number): string => `${(x * 100).toFixed(x < 0.01 && x > 0 ? 2 : 1)}%`;
  return (
    `regime=${p.regime} nodes=${p.nodes} election=${p.electionTick} heartbeat=${p.heartbeatTick} ` +
    `inflight=${p.maxInflight} msgBytes=${p.maxMsgBytes} delay=${p.minDelay}..${p.maxDelay} drop=${pct(p.dropRate)} ` +
    `dup=${pct(p.dupRate)} partition=${pct(p.partitionRate)} crash=${pct(p.crashRate)} readyCrash=${pct(p.readyCrashRate)} ` +
    `voteCrash=${pct(p.voteCrashRate)} commitCrash=${pct(p.commitCrashRate)} electedCrash=${pct(p.electedCrashRate)} down<=${p.maxDown}x${p.downMin}..${p.downMax} snapshot=${pct(p.snapshotRate)}/gap${p.snapshotMinGap}/keep${p.snapshotKeep} ` +
    `pause=${pct(p.pauseRate)}x${p.pauseMin}..${p.pauseMax} transfer=${pct(p.transferRate)} clients=${p.clients} keys=${p.keys}`
  );
}
