// What the supervisor starts for every node and the proxy: `node [runtime flags] child-launch.js
// node|proxy ...`. It runs the one-file bundle of child-main.ts (dist/bundle/child.cjs, made by
// `npm run build`) with a V8 code cache (code-cache.ts), so a restarted node spends its start-up
// opening storage rather than parsing and compiling ~2 MB of JavaScript again. Without the bundle
// (a build that ran tsc only) it imports child-main.js, which does the same, only slower.
//
// `child-launch.js --await-args [label ...]` is a warm spare (src/supervisor/child-process.ts):
// it loads the code, rehearses a follower's catch-up in memory (src/node/rehearsal.ts), then waits for one line on stdin — a JSON array of the arguments it would
// otherwise have been started with — and runs them. stdin stays the lifeline afterwards; EOF
// before the line (the supervisor is gone) ends it quietly. The labels only name the spare in `ps`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runWithCodeCache } from './code-cache.js';

type RunChild = (argv: readonly string[]) => Promise<void>;
interface ChildMain {
  runChild: RunChild;
  rehearse: () => number;
}

const BUNDLE = fileURLToPath(new URL('../../bundle/child.cjs', import.meta.url));
/** The cache is written a second after start: start-up's code has been compiled by then. */
const WRITE_CACHE_AFTER_MS = 1000;
/** = AWAIT_ARGS_FLAG of src/supervisor/cluster-spec.ts (this file imports built-ins only). */
const AWAIT_ARGS_FLAG = '--await-args';
/** A line longer than this is not an argument list. */
const MAX_LINE = 1024 * 1024;

async function loadChildMain(): Promise<ChildMain> {
  if (existsSync(BUNDLE)) return runWithCodeCache(BUNDLE, WRITE_CACHE_AFTER_MS).exports as ChildMain;
  return (await import(new URL('./child-main.js', import.meta.url).href)) as ChildMain;
}

/** The first line on stdin as an argument list ('eof' if none came, 'bad' if it is not one). stdin is left paused. */
function readArgsLine(): Promise<string[] | 'eof' | 'bad'> {
  return new Promise((resolve) => {
    let text = '';
    const done = (v: string[] | 'eof' | 'bad'): void => {
      process.stdin.off('data', onData);
      process.stdin.off('end', onEnd);
      process.stdin.off('error', onEnd);
      process.stdin.pause();
      resolve(v);
    };
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl < 0) {
        if (text.length > MAX_LINE) done('bad');
        return;
      }
      if (nl + 1 < text.length) process.stdin.unshift(Buffer.from(text.slice(nl + 1), 'utf8'));
      try {
        const v: unknown = JSON.parse(text.slice(0, nl));
        done(Array.isArray(v) && v.every((a) => typeof a === 'string') ? v : 'bad');
      } catch {
        done('bad');
      }
    };
    const onEnd = (): void => done('eof');
    process.stdin.on('data', onData);
    process.stdin.on('end', onEnd);
    process.stdin.on('error', onEnd);
  });
}

const given = process.argv.slice(2);
if (given[0] === AWAIT_ARGS_FLAG) {
  const { runChild, rehearse } = await loadChildMain();
  // Before listening: the supervisor's line waits in the pipe meanwhile (~100 ms at most).
  try {
    rehearse();
  } catch (err) {
    process.stderr.write(`raft-sup: warm spare: the rehearsal failed (the node will start cold): ${err instanceof Error ? err.message : String(err)}\n`);
  }
  const args = await readArgsLine();
  if (typeof args === 'string') {
    // EOF: the supervisor went away before it needed us, nothing to say.
    if (args === 'bad') process.stderr.write('raft-sup: a warm spare expects one line on stdin: a JSON array of strings (its arguments)\n');
    process.exitCode = args === 'bad' ? 2 : 0;
    process.stdin.destroy();
  } else {
    process.argv = [process.argv[0] ?? process.execPath, process.argv[1] ?? '', ...args];
    // The node's start-up line counts from here, not from the spare's own start (src/node/node.ts).
    (globalThis as Record<symbol, unknown>)[Symbol.for('raft-sup.spareTakenAt')] = performance.now();
    await runChild(args);
  }
} else {
  await (await loadChildMain()).runChild(given);
}
