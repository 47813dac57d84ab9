// Watches who leads while a benchmark runs, by asking every node's /status a few times a second: a
// leader change in the middle of a run explains a latency spike or a dip in throughput, so the
// report names it (when, from which node to which, in which term) instead of leaving it a mystery.
import { KvClient } from '../client/index.js';

export interface LeaderChange {
  /** performance.now() when the change was seen. */
  readonly at: number;
  readonly from: number | null;
  readonly to: number | null;
  readonly term: number | null;
}

/** The leader with the highest term any node reports (null if none), and the highest term seen. */
async function probe(clients: readonly KvClient[], timeoutMs: number): Promise<{ leader: number | null; leaderTerm: number | null; term: number | null }> {
  const answers = await Promise.all(clients.map((c) => c.nodeStatus({ timeoutMs }).catch(() => undefined)));
  let best: { id: number; term: number } | undefined;
  let term: number | null = null;
  for (const s of answers) {
    if (s === undefined) continue;
    if (term === null || s.term > term) term = s.term;
    if (s.role === 'leader' && (best === undefined || s.term > best.term)) best = { id: s.id, term: s.term };
  }
  return { leader: best?.id ?? null, leaderTerm: best?.term ?? null, term };
}

export class LeaderWatch {
  readonly changes: LeaderChange[] = [];
  readonly #clients: KvClient[];
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #leader: number | null | undefined;
  #term: number | null = null;
  #leaderTerm = 0;

  constructor(nodeUrls: readonly string[], intervalMs = 250) {
    this.#clients = nodeUrls.map((u) => new KvClient(u, { connections: 1, timeoutMs: 1000 }));
    this.#timer = setInterval(() => void this.#tick(), intervalMs);
    this.#timer.unref();
    void this.#tick();
  }

  /** The leader seen last (undefined before the first answer). */
  get leader(): number | null | undefined {
    return this.#leader;
  }

  get term(): number | null {
    return this.#term;
  }

  async #tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const { leader, leaderTerm, term } = await probe(this.#clients, 800);
      if (term !== null) this.#term = term;
      // A new leader, or the same one re-elected in a later term, is a change; "no leader" while an
      // election runs is only the step between two leaders.
      if (leader !== null && this.#leader !== undefined && (leader !== this.#leader || (leaderTerm ?? 0) > this.#leaderTerm)) {
        this.changes.push({ at: performance.now(), from: this.#leader, to: leader, term: leaderTerm });
      }
      if (leader !== null) {
        this.#leader = leader;
        this.#leaderTerm = leaderTerm ?? 0;
      } else if (this.#leader === undefined) this.#leader = null;
    } finally {
      this.#busy = false;
    }
  }

  /** One last look, then stop. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    while (this.#busy) await new Promise((r) => setTimeout(r, 10));
    await this.#tick();
    await Promise.all(this.#clients.map((c) => c.close()));
  }
}
