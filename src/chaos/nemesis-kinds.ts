// The nemesis vocabulary: what `--nemesis` accepts and the faults each name can produce.
//
// A fault is always "do something, hold it, undo it" so the timeline has clean periods and the
// final phase never has to guess what is still broken.

/** Names accepted by `--nemesis` (comma list). */
export const NEMESIS_NAMES = ['kill', 'pause', 'partition', 'restart-all'] as const;
export type NemesisName = (typeof NEMESIS_NAMES)[number];

/** Every nemesis; the default of `--nemesis`. */
export const DEFAULT_NEMESES: readonly NemesisName[] = NEMESIS_NAMES;

/**
 * The concrete faults:
 * - kill: SIGKILL one node (its data survives), start it again after the hold.
 * - pause: SIGSTOP one node, SIGCONT after the hold (a long GC pause; an old leader wakes up).
 * - isolate: cut one node's node-to-node links both ways (the leader, or a follower that clients
 *   keep reading from directly: the classic stale-read trap).
 * - split: a minority | majority partition (with 3 nodes the minority is one node).
 * - one-way: one node stops hearing from the others (`deaf`) or the others stop hearing from it
 *   (`mute`); its own links out (in) still work.
 * - restart-all: SIGKILL every node at once, then start them all (durability of acknowledged writes).
 */
export type FaultKind = 'kill' | 'pause' | 'isolate' | 'split' | 'one-way' | 'restart-all';

/** Which faults each nemesis name enables. */
export const NEMESIS_FAULTS: Readonly<Record<NemesisName, readonly FaultKind[]>> = Object.freeze({
  kill: ['kill'],
  pause: ['pause'],
  partition: ['isolate', 'split', 'one-way'],
  'restart-all': ['restart-all'],
});

/** Who a fault hits, as drawn from the seed; resolved against the live cluster when the fault starts. */
export type FaultRole = 'leader' | 'follower' | 'any';

/** Parses `kill,pause,...`; throws a message naming the bad item and the accepted names. */
export function parseNemesisList(text: string): NemesisName[] {
  const items = text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (items.length === 0) throw new Error(`--nemesis: expected a comma list of ${NEMESIS_NAMES.join(', ')} (or all, none), received ${JSON.stringify(text)}`);
  if (items.length === 1 && items[0] === 'all') return [...NEMESIS_NAMES];
  if (items.length === 1 && items[0] === 'none') return [];
  const out: NemesisName[] = [];
  for (const item of items) {
    if (!(NEMESIS_NAMES as readonly string[]).includes(item)) {
      throw new Error(`--nemesis: unknown nemesis ${JSON.stringify(item)}; expected a comma list of ${NEMESIS_NAMES.join(', ')} (or all, none)`);
    }
    if (!out.includes(item as NemesisName)) out.push(item as NemesisName);
  }
  return out;
}
