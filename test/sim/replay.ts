// The exact command that replays one simulator run: the seed is the bug report.
import type { BugName } from './params.js';

export interface ReplayArgs {
  readonly seed: number;
  readonly nodes?: number | undefined;
  readonly ticks?: number | undefined;
  readonly bug?: BugName | undefined;
}

export function replayCommand(a: ReplayArgs): string {
  const parts = ['npm run sim --', '--seeds 1', `--first-seed ${a.seed}`];
  if (a.nodes !== undefined) parts.push(`--nodes ${a.nodes}`);
  if (a.ticks !== undefined) parts.push(`--ticks ${a.ticks}`);
  if (a.bug !== undefined) parts.push(`--bug ${a.bug}`);
  parts.push('--trace');
  return parts.join(' ');
}
