#!/usr/bin/env node
// Bundles the child-process entry (dist/src/cli/child-main.js, compiled by tsc) and everything it
// imports into one CommonJS file, dist/bundle/child.cjs, which the supervisor starts for every node
// and the proxy. One file instead of ~200 modules cuts a node's start-up (spawn → answering) roughly
// in half on Node 20, which has no module compile cache; see src/cli/child-main.ts.
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, 'dist', 'bundle');
// Code caches of an earlier bundle (src/cli/code-cache.ts) can never match the new one: drop them.
for (const f of (existsSync(out) ? readdirSync(out, { withFileTypes: true }) : []).filter((e) => e.name.endsWith('.cache'))) rmSync(join(out, f.name), { force: true });
await build({
  entryPoints: [join(root, 'dist', 'src', 'cli', 'child-main.js')],
  outfile: join(out, 'child.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
