// Running the real CLI for scenario tests: a private TMPDIR per test (so a test can prove no cluster
// dir was created, or that it was deleted), no colours, no terminal.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliResult { code: number; stdout: string; stderr: string; ms: number }

/** A scratch dir for one test: scenario files, a TMPDIR for the CLI, report dirs. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'raft-sup-scn-cli-'));
  /** What the CLI sees as its temp dir: fresh clusters live (and must be deleted) here. */
  readonly tmp = join(this.dir, 'tmp');

  constructor() {
    mkdirSync(this.tmp);
  }

  file(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  /** Cluster state dirs the CLI left in its temp dir. */
  clusterDirs(): string[] {
    return readdirSync(this.tmp);
  }

  /** Start `raft-sup ...args` (not awaited). */
  spawn(args: readonly string[]) {
    return execa(process.execPath, [CLI, ...args], { reject: false, env: { NO_COLOR: '1', TMPDIR: this.tmp }, stdin: 'ignore', cwd: this.dir });
  }

  /** Run `raft-sup ...args` to completion (SIGKILLed after `timeoutMs`). */
  async run(args: readonly string[], timeoutMs = 120_000): Promise<CliResult> {
    const t0 = Date.now();
    const child = this.spawn(args);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const r = await child;
    clearTimeout(timer);
    return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), ms: Date.now() - t0 };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Poll `condition` until it holds; throw naming `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
