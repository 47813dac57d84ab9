// The code of the processes the supervisor starts: `node ...` and `proxy ...` only, with the same
// flags, checks and exit codes as `raft-sup node` / `raft-sup proxy` (the same command modules).
// child-launch.ts loads it and calls runChild; loading it runs nothing, so a warm spare can load
// it ahead of time and be told its arguments later.
//
// `npm run build` bundles this file and everything it imports into one file
// (dist/bundle/child.cjs, scripts/bundle.js), because a node's start-up is on the path of every
// restart: Node 20 loading ~200 separate ES modules of ours and of fastify, undici and pino spent
// most of a node's 450–550 ms from spawn to answering in module resolution, file reads and compiling.
import { register as registerNode } from './commands/node.js';
import { register as registerProxy } from './commands/proxy.js';
import { runProcess } from './run.js';

/** A warm spare's rehearsal while it waits (src/node/rehearsal.ts). */
export { rehearse } from '../node/rehearsal.js';

export function runChild(argv: readonly string[]): Promise<void> {
  return runProcess([registerNode, registerProxy], argv);
}
