// ReadIndex bookkeeping on the leader (thesis §6.4): each read records the commit index when it
// arrived and waits until a majority has answered a heartbeat sent after it, proving that no newer
// leader existed at that moment. One heartbeat round confirms every read registered before it.
import type { NodeId } from './types.js';

export interface PendingRead {
  readonly ctx: string;
  /** Who asked: the leader itself or a follower (answered with ReadIndexResp). */
  readonly from: NodeId;
  /** Commit index at registration: the read may be served once applied >= index. */
  readonly index: number;
  readonly seq: number;
  readonly acks: Set<NodeId>;
}

export class ReadIndexQueue {
  // Invariant: ordered by seq (registration order); seqs never repeat during a process lifetime,
  // so a heartbeat answer can never confirm a read registered after the heartbeat was sent.
  private pending: PendingRead[] = [];
  private nextSeq = 1;

  get size(): number {
    return this.pending.length;
  }

  add(ctx: string, from: NodeId, index: number): number {
    const seq = this.nextSeq++;
    this.pending.push({ ctx, from, index, seq, acks: new Set() });
    return seq;
  }

  /** The seq to stamp on the next heartbeat round, or undefined when nothing waits. */
  lastSeq(): number | undefined {
    return this.pending[this.pending.length - 1]?.seq;
  }

  /**
   * `from` answered a heartbeat that carried `seq` (in the current term). Returns the reads that are
   * now confirmed by a quorum (the leader counts itself), oldest first, and forgets them.
   */
  ack(from: NodeId, seq: number, quorum: number): PendingRead[] {
    let lastConfirmed = -1;
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i];
      if (p === undefined || p.seq > seq) break;
      p.acks.add(from);
      if (p.acks.size + 1 >= quorum) lastConfirmed = i;
    }
    if (lastConfirmed < 0) return [];
    return this.pending.splice(0, lastConfirmed + 1);
  }

  /** Leadership ended: every waiting read fails. */
  drain(): PendingRead[] {
    const all = this.pending;
    this.pending = [];
    return all;
  }
}
