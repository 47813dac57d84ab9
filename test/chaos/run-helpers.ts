// Helpers for the end-to-end chaos tests: run `raft-sup chaos` as a real process and prove that it
// left nothing behind (no process of its cluster, no temp dir).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface ChaosRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** The temp state dir chaos announced ("cluster: started in DIR"), if any. */
  clusterDir: string | null;
}

/** The seed of a randomized test: CHAOS_SEED when set (to replay a failure), else a fresh one. */
export function testSeed(): number {
  const env = process.env.CHAOS_SEED;
  return env !== undefined && /^\d+$/.test(env) ? Number(env) : Math.floor(Math.random() * 1_000_000);
}

export async function runChaosCli(args: readonly string[], timeoutMs = 180_000): Promise<ChaosRun> {
  const t0 = Date.now();
  const r = await execa(process.execPath, [CLI, 'chaos', ...args], { reject: false, timeout: timeoutMs, env: { NO_COLOR: '1' }, stdin: 'ignore' });
  const stderr = String(r.stderr);
  const m = /cluster: started in (\S+)/.exec(stderr);
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr, ms: Date.now() - t0, clusterDir: m?.[1] ?? null };
}

/** Pids of live processes whose command line mentions `text` (ours only: the cluster's dir is unique). */
export function processesMentioning(text: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) out.push(Number(name));
    } catch { /* gone */ }
  }
  return out;
}

/** Last resort after a failed test: SIGKILL the processes of that cluster (found by its unique dir). */
export function killLeftovers(dir: string | null): number[] {
  if (dir === null) return [];
  const left = processesMentioning(dir);
  for (const pid of left) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  return left;
}

export function dirExists(dir: string | null): boolean {
  return dir !== null && existsSync(dir);
}
