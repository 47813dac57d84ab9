// TARGET strings (SPEC) → process names. Pure: the random choice is injected, so tests and seeded
// scenarios pick the same victim every time.
//
// Grammar: a comma-separated list of single targets (so `partition 1,2 3` can reuse it); each is
//   <id>          a node id: `2`
//   <name>        a process name: `node-2`, `proxy`
//   leader        the node whose role is leader (the highest term wins if two claim it)
//   follower      one node whose role is follower, chosen with `random`
//   followers     every node whose role is follower
//   random        one node (any role, any state), chosen with `random`
//   proxy         the proxy process(es)
//   all           every process, nodes and proxy
// Keywords are case-insensitive. The result keeps the order of `processes`, without duplicates.

/** What the resolver needs to know about each process (status rows fit). */
export interface TargetProcess {
  name: string;
  kind: 'node' | 'proxy';
  id?: number | null;
  role?: string | null;
  term?: number | null;
}

/** A target that matches nothing, or a malformed target; the message lists what exists. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
}

export const TARGET_KEYWORDS = ['leader', 'follower', 'followers', 'random', 'proxy', 'all'] as const;

/**
 * Resolve `target` against `processes`. `random` returns a float in [0, 1) like Math.random; pass a
 * seeded one for reproducible runs. Throws TargetError with a readable message.
 */
export function resolveTarget(target: string, processes: readonly TargetProcess[], random: () => number = Math.random): string[] {
  if (typeof target !== 'string' || target.trim() === '') throw new TargetError(`empty target; ${whatExists(processes)}`);
  const chosen = new Set<string>();
  for (const part of target.split(',')) {
    const one = part.trim();
    if (one === '') throw new TargetError(`empty item in target ${JSON.stringify(target)}; ${whatExists(processes)}`);
    for (const name of resolveOne(one, processes, random)) chosen.add(name);
  }
  return processes.filter((p) => chosen.has(p.name)).map((p) => p.name);
}

function resolveOne(target: string, processes: readonly TargetProcess[], random: () => number): string[] {
  const nodes = processes.filter((p) => p.kind === 'node');
  const key = target.toLowerCase();
  if (/^\d+$/.test(target)) {
    const id = Number(target);
    const hit = nodes.filter((p) => p.id === id);
    if (hit.length === 0) throw new TargetError(`no node has id ${target}; ${whatExists(processes)}`);
    return hit.map((p) => p.name);
  }
  const byName = processes.filter((p) => p.name === target);
  if (byName.length > 0) return byName.map((p) => p.name);
  switch (key) {
    case 'all':
      if (processes.length === 0) throw new TargetError('no processes exist');
      return processes.map((p) => p.name);
    case 'proxy': {
      const proxies = processes.filter((p) => p.kind === 'proxy');
      if (proxies.length === 0) throw new TargetError(`there is no proxy; ${whatExists(processes)}`);
      return proxies.map((p) => p.name);
    }
    case 'leader': {
      const leaders = nodes.filter((p) => p.role === 'leader');
      if (leaders.length === 0) throw new TargetError(`there is no leader right now; ${whatExists(processes)}`);
      // A partitioned old leader may still believe it leads; the newest term is the real one.
      const best = leaders.reduce((a, b) => ((b.term ?? -1) > (a.term ?? -1) ? b : a));
      return [best.name];
    }
    case 'followers':
    case 'follower': {
      const followers = nodes.filter((p) => p.role === 'follower');
      if (followers.length === 0) throw new TargetError(`there is no follower right now; ${whatExists(processes)}`);
      return key === 'followers' ? followers.map((p) => p.name) : [pick(followers, random).name];
    }
    case 'random':
      if (nodes.length === 0) throw new TargetError(`there are no nodes; ${whatExists(processes)}`);
      return [pick(nodes, random).name];
    default:
      throw new TargetError(`unknown target ${JSON.stringify(target)}; ${whatExists(processes)}`);
  }
}

function pick<T>(items: readonly T[], random: () => number): T {
  const r = random();
  if (!(r >= 0 && r < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${String(r)}`);
  const item = items[Math.floor(r * items.length)];
  if (item === undefined) throw new RangeError('pick from an empty list');
  return item;
}

/** "processes: node-1 (id 1, leader), node-2 (id 2, follower), proxy; targets: ..." */
export function whatExists(processes: readonly TargetProcess[]): string {
  const list = processes.length === 0
    ? 'none'
    : processes.map((p) => {
        const bits = [p.id != null ? `id ${p.id}` : null, p.role ?? null].filter((b) => b !== null);
        return bits.length > 0 ? `${p.name} (${bits.join(', ')})` : p.name;
      }).join(', ');
  return `processes: ${list}; targets are a node id, a process name, ${TARGET_KEYWORDS.join(', ')}`;
}
