// `raft-sup logs [TARGET] [-f]`: the stored cluster log (every child's lines, `HH:MM:SS name │`
// prefixed, written by the supervisor), filtered by process, optionally followed like `tail -f`.
// Reads the file directly, so logs stay readable after `down` and with no supervisor at all.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER_LOG, logsDir } from './cluster-spec.js';
import type { TextSink } from './log-mux.js';

// `12:00:01 node-2   │ text`: the name is the second field.
const LINE = /^\d\d:\d\d:\d\d (\S+)\s* │ /;

export function clusterLogPath(dir: string): string {
  return join(logsDir(dir), CLUSTER_LOG);
}

/** Keep a line when no filter is set or its process is in `names`. */
export function lineMatches(line: string, names: ReadonlySet<string> | null): boolean {
  if (names === null) return true;
  const m = LINE.exec(line);
  return m?.[1] !== undefined && names.has(m[1]);
}

export interface LogReadOptions {
  /** Process names to show; null = all. */
  names: ReadonlySet<string> | null;
  out: TextSink;
  /** Keep printing new lines until `signal` aborts. */
  follow?: boolean;
  signal?: AbortSignal;
  /** Only the last N matching lines of what is stored (follow continues from there). */
  tail?: number;
  pollMs?: number;
}

/** Print the stored log (filtered); with follow, keep printing appended lines until aborted. */
export async function readClusterLog(dir: string, opts: LogReadOptions): Promise<{ lines: number }> {
  const path = clusterLogPath(dir);
  let offset = 0;
  let partial: Buffer = Buffer.alloc(0);
  let printed = 0;
  const emit = (lines: string[]): void => {
    const keep = lines.filter((l) => l !== '' && lineMatches(l, opts.names));
    if (keep.length === 0) return;
    printed += keep.length;
    opts.out.write(`${keep.join('\n')}\n`);
  };
  const readNew = (first: boolean): void => {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return; // not there (yet)
    }
    if (size < offset) { offset = 0; partial = Buffer.alloc(0); } // truncated or recreated (wiped)
    if (size === offset) return;
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(size - offset);
      const n = readSync(fd, buf, 0, buf.length, offset);
      offset += n;
      // Split on bytes and decode only complete lines: a UTF-8 character cut by a concurrent write
      // stays whole in `partial` until the rest arrives.
      const bytes = Buffer.concat([partial, buf.subarray(0, n)]);
      const cut = bytes.lastIndexOf(0x0a);
      partial = cut === -1 ? bytes : Buffer.from(bytes.subarray(cut + 1));
      const lines = cut === -1 ? [] : bytes.subarray(0, cut).toString('utf8').split('\n');
      emit(first && opts.tail !== undefined ? lastN(lines.filter((l) => lineMatches(l, opts.names)), opts.tail) : lines);
    } finally {
      closeSync(fd);
    }
  };
  readNew(true);
  if (!opts.follow) {
    if (partial.length > 0) emit([partial.toString('utf8')]);
    return { lines: printed };
  }
  const pollMs = opts.pollMs ?? 200;
  while (opts.signal?.aborted !== true) {
    await new Promise<void>((resolve) => {
      const onAbort = (): void => { clearTimeout(t); resolve(); };
      const t = setTimeout(() => { opts.signal?.removeEventListener('abort', onAbort); resolve(); }, pollMs);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
    readNew(false);
  }
  return { lines: printed };
}

function lastN<T>(items: T[], n: number): T[] {
  return n <= 0 ? [] : items.slice(-n);
}
