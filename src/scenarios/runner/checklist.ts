// The listr2 side: which renderer, and the options that make each one read well.
// - default (a TTY, not CI): the live checklist, steps ticking off in place, progress under the
//   running step (what the await is waiting on, which attempt a retry is at).
// - simple (no TTY, or CI, or TERM=dumb): one plain line per step start and end, all on one stream
//   so a CI log reads in order.
// - verbose: plain lines with every title change (on request).
// - silent: nothing (tests, and `--report` users who only want the files).

import type { ListrBaseClassOptions } from 'listr2';

/** listr2 is loaded when a checklist runs, not with the scenarios area (every CLI process imports it). */
export type ListrModule = typeof import('listr2');

export type RendererChoice = 'auto' | 'default' | 'simple' | 'verbose' | 'silent';
export const RENDERER_CHOICES: readonly RendererChoice[] = ['auto', 'default', 'simple', 'verbose', 'silent'];
export type Renderer = Exclude<RendererChoice, 'auto'>;

/** The live checklist only on a terminal that is not CI; plain lines everywhere else. */
export function pickRenderer(choice: RendererChoice, isTTY: boolean, env: Readonly<Record<string, string | undefined>>): Renderer {
  if (choice !== 'auto') return choice;
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return isTTY && !ci && env.TERM !== 'dumb' ? 'default' : 'simple';
}

/**
 * Listr options for a renderer. Signals are ours (listr's own SIGINT handler exits the process at
 * once, which would leave no time to stop the cluster). Plain renderers write to `out` only.
 */
// The options are built per renderer; listr's generics cannot follow a runtime choice, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function listrOptions(listr: ListrModule, renderer: Renderer, out: NodeJS.WriteStream, nested: boolean): ListrBaseClassOptions<any, any, any> {
  const { ListrLogger, PRESET_TIMER, ProcessOutput } = listr;
  const common = { registerSignalListeners: false, exitOnError: true, fallbackRendererCondition: false, silentRendererCondition: renderer === 'silent' } as const;
  if (renderer === 'default') {
    return {
      ...common,
      renderer: 'default',
      rendererOptions: {
        collapseSubtasks: nested, collapseSkips: false, collapseErrors: false, showErrorMessage: true, showSkipMessage: true,
        suffixSkips: false, timer: PRESET_TIMER, formatOutput: 'wrap',
      },
    };
  }
  const logger = new ListrLogger({ useIcons: true, toStderr: [], processOutput: new ProcessOutput(out, out) });
  if (renderer === 'verbose') return { ...common, renderer: 'verbose', rendererOptions: { logger, timer: PRESET_TIMER, logTitleChange: true } };
  return { ...common, renderer: renderer === 'silent' ? 'silent' : 'simple', rendererOptions: { logger, timer: PRESET_TIMER } };
}
