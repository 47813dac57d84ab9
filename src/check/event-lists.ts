// The search's view of one key's history: call/return events in time order, as dancing links.
//
// Two lists share one node space:
// - the main list holds the call and return events of ops with a known return, sorted by time;
//   at equal times calls come first, so ops that merely touch count as concurrent;
// - the info list holds only the calls of 'info' ops (they never return), sorted by invoke.
// Keeping info ops apart lets the search try them *after* the ops that must be placed soon: an
// info op can always be deferred (placed last = never happened), so trying it first, as one
// merged list would, mostly explores placements nobody needed.
import type { CompiledKey } from './register-model.js';

export class EventLists {
  readonly headMain = 0;
  readonly tailMain: number;
  readonly headInfo: number;
  readonly tailInfo: number;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** Op index of each event node (-1 for heads and tails). */
  readonly nodeOp: Int32Array;
  readonly isCall: Uint8Array;
  /** Time of each event node. */
  readonly time: Float64Array;
  /** Main-list call node → its return node; -1 for info calls. */
  readonly match: Int32Array;
  /** Call node of each op. */
  readonly callNode: Int32Array;
  /** Number of ops with a known return. */
  readonly finite: number;

  constructor(c: CompiledKey) {
    const n = c.ops.length;
    const finiteOps: number[] = [];
    const infoOps: number[] = [];
    for (let i = 0; i < n; i++) ((c.complete[i] as number) === Infinity ? infoOps : finiteOps).push(i);
    this.finite = finiteOps.length;
    const m = 2 * finiteOps.length;
    // Node layout: 0 head, 1..m main events, m+1 tail | m+2 info head, info calls, info tail.
    this.tailMain = m + 1;
    this.headInfo = m + 2;
    this.tailInfo = m + 3 + infoOps.length;
    const size = this.tailInfo + 1;
    this.next = new Int32Array(size);
    this.prev = new Int32Array(size);
    this.nodeOp = new Int32Array(size).fill(-1);
    this.isCall = new Uint8Array(size);
    this.time = new Float64Array(size);
    this.match = new Int32Array(size).fill(-1);
    this.callNode = new Int32Array(n);

    // Event e = 2k (call) or 2k+1 (return) of finiteOps[k].
    const evTime = (e: number): number => {
      const op = finiteOps[e >> 1] as number;
      return (e & 1) === 0 ? (c.invoke[op] as number) : (c.complete[op] as number);
    };
    const events = Array.from({ length: m }, (_, e) => e).sort((x, y) => evTime(x) - evTime(y) || (x & 1) - (y & 1));
    const returnNode = new Int32Array(n);
    events.forEach((e, k) => {
      const node = k + 1;
      const op = finiteOps[e >> 1] as number;
      this.nodeOp[node] = op;
      this.time[node] = evTime(e);
      if ((e & 1) === 0) {
        this.isCall[node] = 1;
        this.callNode[op] = node;
      } else {
        returnNode[op] = node;
      }
    });
    for (const op of finiteOps) this.match[this.callNode[op] as number] = returnNode[op] as number;

    infoOps.sort((x, y) => (c.invoke[x] as number) - (c.invoke[y] as number) || x - y);
    infoOps.forEach((op, k) => {
      const node = this.headInfo + 1 + k;
      this.nodeOp[node] = op;
      this.isCall[node] = 1;
      this.time[node] = c.invoke[op] as number;
      this.callNode[op] = node;
    });

    for (let node = 0; node < size; node++) {
      this.next[node] = node + 1;
      this.prev[node] = node - 1;
    }
    this.time[this.tailMain] = Infinity;
    this.time[this.tailInfo] = Infinity;
  }

  /** Whether a node is in the info list. */
  isInfo(node: number): boolean {
    return node > this.headInfo;
  }

  /** The first remaining return event in the main list (the tail if none remain). */
  firstReturn(): number {
    let x = this.next[this.headMain] as number;
    while (this.isCall[x] === 1) x = this.next[x] as number;
    return x;
  }

  /** Removes an op's call (and return) events: it has been linearized. */
  lift(call: number): void {
    this.unlink(call);
    const ret = this.match[call] as number;
    if (ret >= 0) this.unlink(ret);
  }

  /** Undoes `lift(call)`; lifts must be undone in reverse order. */
  unlift(call: number): void {
    const ret = this.match[call] as number;
    if (ret >= 0) this.relink(ret);
    this.relink(call);
  }

  private unlink(x: number): void {
    this.next[this.prev[x] as number] = this.next[x] as number;
    this.prev[this.next[x] as number] = this.prev[x] as number;
  }

  private relink(x: number): void {
    this.next[this.prev[x] as number] = x;
    this.prev[this.next[x] as number] = x;
  }
}
