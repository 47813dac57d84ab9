// One process per data directory. Two nodes appending to the same WAL would corrupt it silently, so
// a node claims its directory with a lock file holding its pid (created exclusively). A lock left by
// a process that no longer exists (kill -9) is stale and taken over.
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../shared/cli-errors.js';

const LOCK = 'node.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Claims `dir` for this process; returns the release function. Throws UsageError if it is taken. */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new UsageError(`${dir} is in use by another node process (pid ${pid}); stop it first or use another --data-dir`);
      }
      await unlink(path).catch(() => undefined); // stale: its process is gone
    }
  }
  throw new UsageError(`cannot lock ${dir}: another process keeps claiming it`);
}
