// What the supervisor starts for every node and the proxy: `node [runtime flags] child-launch.js
// node|proxy ...`. It runs the one-file bundle of child-main.ts (dist/bundle/child.cjs, made by
// `npm run build`) with a V8 code cache (code-cache.ts), so a restarted node spends its start-up
// opening storage rather than parsing and compiling ~2 MB of JavaScript again. Without the bundle
// (a build that ran tsc only) it imports child-main.js, which does the same, only slower.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runWithCodeCache } from './code-cache.js';

const BUNDLE = fileURLToPath(new URL('../../bundle/child.cjs', import.meta.url));
/** The cache is written a second after start: start-up's code has been compiled by then. */
const WRITE_CACHE_AFTER_MS = 1000;

if (existsSync(BUNDLE)) runWithCodeCache(BUNDLE, WRITE_CACHE_AFTER_MS);
else await import(new URL('./child-main.js', import.meta.url).href);
