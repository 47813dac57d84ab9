// The children's code cache (src/cli/code-cache.ts): written when missing, used when it matches,
// rejected and rewritten when damaged, and never applied to a rebuilt bundle.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, cachePathOf, runWithCodeCache } from '../../src/cli/code-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'rs-codecache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

declare global {
  var __codeCacheProbe: unknown;
}

/** A bundle that records what it computed and that `require` works from inside it. */
function writeBundle(file: string, answer: number, mtime: number): void {
  // Padded so that the two versions have exactly the same length: V8 alone would accept the old cache.
  writeFileSync(file, `globalThis.__codeCacheProbe = { answer: ${String(answer).padStart(4, '0')}, sep: require('node:path').sep, self: __filename, mod: typeof module.exports };\n`);
  utimesSync(file, mtime, mtime);
}

test('writes a cache on the first run, uses it on the next, and the bundle runs as CommonJS', () => {
  const file = join(dir, 'a.cjs');
  writeBundle(file, 1, 1_700_000_000);
  assert.equal(existsSync(cachePathOf(file)), false);
  assert.equal(runWithCodeCache(file, 0).cache, 'none');
  assert.deepEqual(globalThis.__codeCacheProbe, { answer: 1, sep: '/', self: file, mod: 'object' });
  assert.ok(existsSync(cachePathOf(file)), 'cache written');
  assert.equal(runWithCodeCache(file, 0).cache, 'used');
  assert.deepEqual(globalThis.__codeCacheProbe, { answer: 1, sep: '/', self: file, mod: 'object' });
});

test('a rebuilt bundle of the same length never meets the old cache', () => {
  const file = join(dir, 'b.cjs');
  writeBundle(file, 1, 1_700_000_000);
  runWithCodeCache(file, 0);
  const oldCache = cachePathOf(file);
  writeBundle(file, 2, 1_700_000_100);
  assert.notEqual(cachePathOf(file), oldCache);
  assert.equal(runWithCodeCache(file, 0).cache, 'none');
  assert.equal((globalThis.__codeCacheProbe as { answer: number }).answer, 2, 'the new code ran');
});

test('a damaged cache is rejected by V8, the bundle still runs, and the cache is rewritten', () => {
  const file = join(dir, 'c.cjs');
  writeBundle(file, 3, 1_700_000_000);
  writeFileSync(cachePathOf(file), Buffer.alloc(4096, 7));
  assert.equal(runWithCodeCache(file, 0).cache, 'rejected');
  assert.equal((globalThis.__codeCacheProbe as { answer: number }).answer, 3);
  assert.equal(runWithCodeCache(file, 0).cache, 'used');
});

test('the key changes with the Node version, the architecture, the runtime flags and the file', () => {
  const f = { size: 10, mtimeMs: 5 };
  const base = cacheKey('v20.1.0', 'x64', ['--optimize-for-size'], f);
  assert.equal(cacheKey('v20.1.0', 'x64', ['--optimize-for-size'], { ...f }), base);
  for (const other of [
    cacheKey('v20.2.0', 'x64', ['--optimize-for-size'], f),
    cacheKey('v20.1.0', 'arm64', ['--optimize-for-size'], f),
    cacheKey('v20.1.0', 'x64', [], f),
    cacheKey('v20.1.0', 'x64', ['--optimize-for-size'], { size: 11, mtimeMs: 5 }),
    cacheKey('v20.1.0', 'x64', ['--optimize-for-size'], { size: 10, mtimeMs: 6 }),
  ]) assert.notEqual(other, base);
});
