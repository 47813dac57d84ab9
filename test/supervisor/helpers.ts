// Shared test helpers: fixture paths, waiting for conditions, and cleanup of every process we start.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { groupAlive, isAlive, signalGroup } from '../../src/supervisor/process-group.js';
import type { ManagedChild } from '../../src/supervisor/child-process.js';

/** Absolute path of a compiled fixture script. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));
}

/** Poll `condition` until it holds; throw naming `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The one-letter /proc state of a pid (R, S, T, Z, ...), or undefined once it is gone. */
export function procState(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** Collects a child's output as text so tests can wait for a line. */
export function collect(child: ManagedChild): { text: () => string; waitFor: (re: RegExp, timeoutMs?: number) => Promise<RegExpExecArray> } {
  let buf = '';
  child.on('output', (chunk) => { buf += chunk.toString('utf8'); });
  return {
    text: () => buf,
    waitFor: async (re, timeoutMs = 10_000) => {
      let m: RegExpExecArray | null = null;
      await waitFor(() => (m = re.exec(buf)) !== null, timeoutMs, `output matching ${String(re)} (got ${JSON.stringify(buf)})`);
      return m as unknown as RegExpExecArray;
    },
  };
}

/**
 * Remembers every pid and process group a test started and SIGKILLs what is still alive at the end.
 * Only ever signals pids it was told about — processes this test file spawned.
 */
export class Reaper {
  readonly #groups = new Set<number>();
  readonly #pids = new Set<number>();
  readonly #children = new Set<ManagedChild>();

  group(pgid: number | null | undefined): void { if (pgid != null) this.#groups.add(pgid); }
  pid(pid: number | null | undefined): void { if (pid != null) this.#pids.add(pid); }
  /** Track a managed child: each incarnation's group is recorded as it starts. */
  child<T extends ManagedChild>(child: T): T {
    this.#children.add(child);
    child.on('state', (s) => { if (s.pid !== null) this.#groups.add(s.pid); });
    return child;
  }

  async cleanup(): Promise<string[]> {
    const leftovers: string[] = [];
    for (const c of this.#children) await c.stop().catch(() => undefined);
    for (const g of this.#groups) {
      if (groupAlive(g)) { leftovers.push(`group ${g}`); signalGroup(g, 'SIGKILL'); }
    }
    for (const p of this.#pids) {
      if (isAlive(p)) { leftovers.push(`pid ${p}`); try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    }
    await waitFor(() => [...this.#groups].every((g) => !groupAlive(g)) && [...this.#pids].every((p) => !isAlive(p)), 10_000, 'tracked processes to die');
    return leftovers;
  }
}
