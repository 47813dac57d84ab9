// Runs a one-file CommonJS bundle through vm.Script with a V8 code cache beside it (Node 20 has no
// module compile cache of its own). The cache is V8's serialized compiled code for the bundle,
// keyed by Node version, architecture and runtime flags (V8 rejects a cache made under other
// flags, and the nodes run with flags the proxy does not) and by the bundle file's size and
// modification time: V8 checks a cache against the source's length only, so a rebuilt bundle of
// the same length must never meet the old cache. A run that found no usable cache writes
// one `writeAfterMs` after it started, when the code its start-up ran has been compiled too; later
// runs load it (V8 checks it against the source and rejects a stale one, which is then rewritten).
// Written atomically (temp file + rename), so processes starting together cannot tear it; where the
// directory is read-only the bundle simply runs without one. Node built-ins only.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** A short stable key of what V8 checks a cache against besides the source. */
export function cacheKey(version: string, arch: string, execArgv: readonly string[], file: { size: number; mtimeMs: number }): string {
  let h = 0x811c9dc5;
  for (const ch of [version, arch, ...execArgv, String(file.size), String(file.mtimeMs)].join('\0')) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

export function cachePathOf(bundle: string): string {
  return `${bundle}.${cacheKey(process.version, process.arch, process.execArgv, statSync(bundle))}.cache`;
}

/** What happened to the cache: none found, used, or found but rejected by V8. */
export type CacheOutcome = 'none' | 'used' | 'rejected';

function readCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

export function writeCache(path: string, data: Buffer): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `bundle` (absolute path) as a CommonJS module whose `require` resolves from its own
 * directory; returns its exports and what became of the cache. `writeAfterMs` 0 writes a new cache at once.
 */
export function runWithCodeCache(bundle: string, writeAfterMs: number): { exports: unknown; cache: CacheOutcome } {
  const cachePath = cachePathOf(bundle);
  const cachedData = readCache(cachePath);
  const source = readFileSync(bundle, 'utf8');
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  const mod: { exports: unknown } = { exports: {} };
  const fn = script.runInThisContext() as (e: object, r: NodeJS.Require, m: object, f: string, d: string) => void;
  fn.call(mod.exports as object, mod.exports as object, createRequire(bundle), mod, bundle, dirname(bundle));
  const outcome: CacheOutcome = cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'used';
  if (outcome !== 'used') {
    const write = (): void => void writeCache(cachePath, script.createCachedData());
    if (writeAfterMs <= 0) write();
    else setTimeout(write, writeAfterMs).unref();
  }
  return { exports: mod.exports, cache: outcome };
}
