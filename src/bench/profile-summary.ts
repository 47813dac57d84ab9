// Reads the .cpuprofile files that `--cpu-prof` writes (V8's JSON: nodes with call frames and hit
// counts, samples with time deltas) and sums self time per function, so `bench --profile DIR`
// can print where each process spent its CPU without opening Chrome DevTools.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FunctionCost {
  /** `name (file:line)`, shortened. */
  readonly name: string;
  readonly selfMs: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly pid: number | null;
  readonly totalMs: number;
  readonly top: FunctionCost[];
  /** Self time grouped by where the code lives: our dist/src/<area>, a package, node internals, GC... */
  readonly byArea: { area: string; ms: number; share: number }[];
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const d = url.lastIndexOf('/dist/');
  if (d >= 0) return url.slice(d + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

/** Where a function lives: `src/node`, `fastify`, `node:internal`, `(garbage collector)`. */
export function areaOf(frame: CallFrame): string {
  const url = frame.url;
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? 'node_modules');
  }
  const m = /\/dist\/(src\/[^/]+)\//.exec(url);
  return m ? (m[1] as string) : shortUrl(url);
}

/** Summarises one profile: self time per function (top `n`) and per area. */
export function summarizeProfile(json: string, file = '', n = 15): ProfileSummary {
  const p = JSON.parse(json) as CpuProfile;
  const byId = new Map<number, ProfileNode>(p.nodes.map((x) => [x.id, x]));
  // Weight every sample alike, at the sampling interval (the median gap between samples). Weighting
  // by the gap to the next sample would charge whatever ran just before the OS descheduled the
  // process with the whole time it waited — on a shared machine, that inflates every syscall.
  const selfUs = new Map<number, number>();
  if (p.samples && p.samples.length > 0) {
    const gaps = [...(p.timeDeltas ?? [])].filter((d) => d > 0).sort((a, b) => a - b);
    const interval = gaps.length > 0 ? (gaps[gaps.length >> 1] as number) : (p.endTime - p.startTime) / p.samples.length;
    for (const id of p.samples) selfUs.set(id, (selfUs.get(id) ?? 0) + interval);
  } else {
    const per = (p.endTime - p.startTime) / Math.max(1, p.nodes.reduce((a, x) => a + (x.hitCount ?? 0), 0));
    for (const x of p.nodes) selfUs.set(x.id, (x.hitCount ?? 0) * per);
  }
  const fn = new Map<string, number>();
  const area = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const cf = node.callFrame;
    if (cf.functionName === '(idle)') continue; // waiting for I/O is not CPU
    const name = `${cf.functionName || '(anonymous)'}${cf.url ? ` (${shortUrl(cf.url)}:${cf.lineNumber + 1})` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    const a = areaOf(cf);
    area.set(a, (area.get(a) ?? 0) + us);
    total += us;
  }
  const top = [...fn].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, us]) => ({ name, selfMs: us / 1000, share: us / Math.max(1, total) }));
  const byArea = [...area].sort((a, b) => b[1] - a[1]).map(([a, us]) => ({ area: a, ms: us / 1000, share: us / Math.max(1, total) }));
  const pidMatch = /CPU\.\d+\.\d+\.(\d+)\./.exec(basename(file));
  return { file, pid: pidMatch ? Number(pidMatch[1]) : null, totalMs: total / 1000, top, byArea };
}

/** Every .cpuprofile in `dir`, summarised (unreadable files are skipped). */
export function summarizeProfileDir(dir: string, n = 15): ProfileSummary[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  } catch {
    return [];
  }
  const out: ProfileSummary[] = [];
  for (const name of names) {
    try {
      out.push(summarizeProfile(readFileSync(join(dir, name), 'utf8'), join(dir, name), n));
    } catch {
      /* a profile cut short by a kill -9 is not JSON */
    }
  }
  return out;
}
