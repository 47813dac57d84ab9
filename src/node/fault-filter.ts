// The transport's fault filter: what the supervisor's partition/isolate/heal and the chaos nemeses
// turn on through the admin API. It only ever drops or delays peer traffic — exactly what a real
// network does — so Raft must stay safe under any setting of it.
import { NO_FAULTS } from '../shared/index.js';
import type { FaultSpec } from '../shared/index.js';

/** Mutable fault settings consulted on every outgoing batch and every incoming one. */
export class FaultFilter {
  #spec: FaultSpec = NO_FAULTS;
  #dropTo = new Set<number>();
  #dropFrom = new Set<number>();
  readonly #random: () => number;

  /** `random` returns [0, 1): Math.random in a node, seeded in tests. */
  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  get spec(): FaultSpec {
    return this.#spec;
  }

  get active(): boolean {
    return this.#dropTo.size > 0 || this.#dropFrom.size > 0 || this.#spec.delayMs > 0 || this.#spec.jitterMs > 0 || this.#spec.loss > 0;
  }

  /** Replaces the settings; fields left out are cleared (a full description, not a patch). */
  set(spec: Partial<FaultSpec>): FaultSpec {
    const next: FaultSpec = Object.freeze({
      dropTo: [...new Set(spec.dropTo ?? [])].sort((a, b) => a - b),
      dropFrom: [...new Set(spec.dropFrom ?? [])].sort((a, b) => a - b),
      delayMs: spec.delayMs ?? 0,
      jitterMs: spec.jitterMs ?? 0,
      loss: spec.loss ?? 0,
    });
    this.#spec = next;
    this.#dropTo = new Set(next.dropTo);
    this.#dropFrom = new Set(next.dropFrom);
    return next;
  }

  heal(): FaultSpec {
    return this.set({});
  }

  /** Outgoing traffic to `peer` is cut. */
  dropsTo(peer: number): boolean {
    return this.#dropTo.has(peer);
  }

  /** Incoming traffic from `peer` is cut. */
  dropsFrom(peer: number): boolean {
    return this.#dropFrom.has(peer);
  }

  /** Whether this outgoing batch is lost (drawn per batch). */
  losesBatch(): boolean {
    return this.#spec.loss > 0 && this.#random() < this.#spec.loss;
  }

  /** How long to hold this outgoing batch (0 = send now). */
  delayMs(): number {
    const { delayMs, jitterMs } = this.#spec;
    if (delayMs <= 0 && jitterMs <= 0) return 0;
    return delayMs + (jitterMs > 0 ? Math.floor(this.#random() * jitterMs) : 0);
  }
}
