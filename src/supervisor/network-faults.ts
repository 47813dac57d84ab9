// partition / isolate / heal → the fault filter of each node (node-to-node traffic only; clients and
// the proxy still reach every node, exactly as when a switch between servers fails).
//
// Decisions:
// - Each group is a TARGET (`1,2`, `leader`, `followers`, `node-3`); nodes named in no group form
//   one more group together, so `partition 1 2` on five nodes gives {1} | {2} | {3,4,5}.
// - A partition replaces the previous one; `heal` removes it. Both sides drop both directions
//   (dropTo and dropFrom), so the cut holds even while one side cannot be told (paused, stopped).
// - The supervisor remembers the partition and re-applies it to a node that starts or resumes later.
import type { FaultSpec } from '../shared/index.js';
import { resolveTarget, TargetError, type TargetProcess } from './targets.js';

/** Resolve group targets to disjoint groups of node ids covering every node; throws TargetError. */
export function partitionGroups(groupTargets: readonly string[], processes: readonly TargetProcess[], random: () => number = Math.random): number[][] {
  const nodes = processes.filter((p) => p.kind === 'node' && typeof p.id === 'number');
  if (groupTargets.length === 0) throw new TargetError('partition needs at least one group, e.g. `partition 1,2 3`');
  const owner = new Map<number, number>(); // node id → index of its group
  const groups: number[][] = [];
  groupTargets.forEach((target, gi) => {
    const names = resolveTarget(target, processes, random);
    const ids: number[] = [];
    // `all` means every node here; only a proxy named on purpose is an error.
    const namesProxy = target.split(',').some((t) => t.trim().toLowerCase() === 'proxy' || processes.some((q) => q.kind === 'proxy' && q.name === t.trim()));
    for (const name of names) {
      const p = processes.find((q) => q.name === name);
      if (p?.kind === 'proxy' && !namesProxy) continue;
      if (p === undefined || p.kind !== 'node' || typeof p.id !== 'number') {
        throw new TargetError(`${name} is not a node: a partition cuts node-to-node traffic (group ${gi + 1}: ${JSON.stringify(target)})`);
      }
      const prev = owner.get(p.id);
      if (prev !== undefined && prev !== gi) throw new TargetError(`node ${p.id} is in two groups (${JSON.stringify(groupTargets[prev])} and ${JSON.stringify(target)}); groups must not overlap`);
      owner.set(p.id, gi);
      ids.push(p.id);
    }
    groups.push(ids);
  });
  const rest = nodes.map((p) => p.id as number).filter((id) => !owner.has(id));
  if (rest.length > 0) groups.push(rest);
  const nonEmpty = groups.map((g) => [...new Set(g)].sort((a, b) => a - b)).filter((g) => g.length > 0);
  if (nonEmpty.length < 2) {
    throw new TargetError(`that leaves every node in one group (${nonEmpty.map((g) => `{${g.join(',')}}`).join('')}); name at least two groups or a strict subset, e.g. \`partition 1,2 3\``);
  }
  return nonEmpty;
}

/** The fault filter each node gets for `groups`: drop to and from every node outside its own group. */
export function faultsForPartition(groups: readonly (readonly number[])[]): Map<number, Partial<FaultSpec>> {
  const all = groups.flat();
  const out = new Map<number, Partial<FaultSpec>>();
  for (const g of groups) {
    const others = all.filter((id) => !g.includes(id)).sort((a, b) => a - b);
    for (const id of g) out.set(id, { dropTo: others, dropFrom: others });
  }
  return out;
}

/** `{1,2} | {3}` */
export function describeGroups(groups: readonly (readonly number[])[]): string {
  return groups.map((g) => `{${g.join(',')}}`).join(' | ');
}
