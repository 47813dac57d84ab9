// CPU time and resident memory of the cluster's processes, from Linux /proc. On this 2-core machine
// other work often shares the cores, so throughput alone says little: CPU milliseconds per operation
// (all processes, the load generator included) is the figure that stays comparable between a quiet
// and a busy machine. Elsewhere (no /proc) every reading is undefined and the report omits it.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every mainstream Linux). */
const USER_HZ = 100;

/** utime + stime of a process in ms, or undefined if it is gone or /proc is missing. */
export function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
    return ((utime + stime) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

/** Resident set size of a process in bytes, or undefined. */
export function rssOf(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** This process's CPU time in ms. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface CpuSample {
  /** name → CPU ms so far (only processes that could be read). */
  readonly byName: Record<string, number>;
  readonly at: number;
}

/** Reads the CPU time of every named pid plus this process (as `bench`). */
export function sampleCpu(pids: ReadonlyMap<string, number>): CpuSample {
  const byName: Record<string, number> = {};
  for (const [name, pid] of pids) {
    const ms = cpuMsOf(pid);
    if (ms !== undefined) byName[name] = ms;
  }
  byName.bench = selfCpuMs();
  return { byName, at: performance.now() };
}

export interface CpuUse {
  /** CPU ms per operation over every process measured (undefined if none could be read). */
  readonly msPerOp: number | undefined;
  /** Cores busy on average during the window, per process and in total. */
  readonly cores: Record<string, number>;
  readonly totalCores: number;
}

/** CPU used between two samples, per operation and as average cores. Processes absent from either sample are skipped. */
export function cpuBetween(a: CpuSample, b: CpuSample, ops: number): CpuUse {
  const wall = Math.max(1, b.at - a.at);
  const cores: Record<string, number> = {};
  let total = 0;
  let measured = 0;
  for (const [name, after] of Object.entries(b.byName)) {
    const before = a.byName[name];
    if (before === undefined || after < before) continue;
    cores[name] = (after - before) / wall;
    total += after - before;
    measured++;
  }
  return { msPerOp: measured > 1 && ops > 0 ? total / ops : undefined, cores, totalCores: total / wall };
}

/** 1-, 5- and 15-minute load averages (all zeros where the OS has none). */
export function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = loadavg();
  return [a, b, c];
}
