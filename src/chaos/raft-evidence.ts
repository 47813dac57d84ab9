// Evidence for the Raft invariants check (src/check's checkRaftInvariants), gathered after the run:
// - Election Safety: every "became leader in term N" line in each node's own log (logs/node-<id>.log,
//   appended across restarts, so no election is missed while the node was up).
// - State Machine Safety: each node's durable log, read from its data dir once the cluster is
//   stopped: every entry at or below the node's persisted commit index becomes a "commit" event
//   (term + a hash of the entry), and the check demands that nodes agree index by index.
//   The persisted commit index is a lower bound of what the node committed, and entries compacted
//   into a snapshot are gone, so this compares a (large) subset of the committed entries.
//   Only possible for a cluster this run stopped (not with --attach).
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RaftEvent } from '../check/index.js';
import { NODE_DEFAULTS } from '../node/index.js';
import { openStorage } from '../storage/index.js';

export interface RaftEvidence {
  events: RaftEvent[];
  /** Elections found per node (for results.json). */
  elections: number;
  /** Committed entries compared, per node name. */
  committedEntries: Record<string, number>;
  /** What could not be examined and why. */
  notes: string[];
}

const BECAME_LEADER = /became leader in term (\d+)/;

/** "became leader" events from each node's log file. */
export async function leaderEvents(logsDir: string, nodeIds: readonly number[]): Promise<{ events: RaftEvent[]; notes: string[] }> {
  const events: RaftEvent[] = [];
  const notes: string[] = [];
  for (const id of nodeIds) {
    const node = `node-${id}`;
    let text: string;
    try {
      text = await readFile(join(logsDir, `${node}.log`), 'utf8');
    } catch (err) {
      notes.push(`${node}: no log file to read elections from (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      continue;
    }
    for (const line of text.split('\n')) {
      const m = BECAME_LEADER.exec(line);
      if (m?.[1] !== undefined) events.push({ node, type: 'leader', term: Number(m[1]) });
    }
  }
  return { events, notes };
}

/** "commit" events from each stopped node's data dir. */
export async function commitEvents(stateDir: string, nodeIds: readonly number[]): Promise<{ events: RaftEvent[]; counts: Record<string, number>; notes: string[] }> {
  const events: RaftEvent[] = [];
  const counts: Record<string, number> = {};
  const notes: string[] = [];
  for (const id of nodeIds) {
    const node = `node-${id}`;
    const dir = join(stateDir, node);
    // openStorage would create a missing dir (a fresh, empty node): look first.
    if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) {
      notes.push(`${node}: could not read its log from disk (no data dir ${dir})`);
      continue;
    }
    try {
      const storage = await openStorage({ dir, nodeId: id, clusterId: NODE_DEFAULTS.clusterId });
      try {
        const { hardState, entries } = storage.initial;
        let n = 0;
        for (const e of entries) {
          if (e.index > hardState.commit) break;
          const digest = `${e.type}:${createHash('sha1').update(e.data).digest('hex').slice(0, 16)}`;
          events.push({ node, type: 'commit', index: e.index, term: e.term, digest });
          n++;
        }
        counts[node] = n;
      } finally {
        await storage.close();
      }
    } catch (err) {
      notes.push(`${node}: could not read its log from disk (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return { events, counts, notes };
}

/** Both kinds of evidence; `stopped` says whether the data dirs may be opened. */
export async function gatherRaftEvidence(stateDir: string, logsDir: string, nodeIds: readonly number[], stopped: boolean): Promise<RaftEvidence> {
  const leaders = await leaderEvents(logsDir, nodeIds);
  const notes = [...leaders.notes];
  let commits: Awaited<ReturnType<typeof commitEvents>> = { events: [], counts: {}, notes: [] };
  if (stopped) commits = await commitEvents(stateDir, nodeIds);
  else notes.push('committed entries not compared: the attached cluster is still running (its logs on disk are in use)');
  notes.push(...commits.notes);
  return { events: [...leaders.events, ...commits.events], elections: leaders.events.length, committedEntries: commits.counts, notes };
}
