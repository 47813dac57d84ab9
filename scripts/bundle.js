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
// Built-ins the bundle requires at load time but a node or the proxy never uses: fastify loads https
// and dns for options we never set, commander loads child_process for executable subcommands. Each
// is replaced by an object that loads the real module on first use, so nothing breaks if one is
// used. (http2 would be one too, but undici reads http2.constants as it loads.)
const LAZY_BUILTINS = ['https', 'dns', 'child_process'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    b.onResolve({ filter }, (args) =>
      args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      loader: 'js',
      contents: `let m;
const load = () => (m ??= require(${JSON.stringify(`node:${args.path}`)}));
module.exports = new Proxy({}, {
  get: (_, k) => Reflect.get(load(), k),
  has: (_, k) => Reflect.has(load(), k),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(load(), k); return d && { ...d, configurable: true }; },
});`,
    }));
  },
};

await build({
  entryPoints: [join(root, 'dist', 'src', 'cli', 'child-main.js')],
  outfile: join(out, 'child.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [lazyBuiltins],
});
