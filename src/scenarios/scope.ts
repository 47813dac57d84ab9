// What the parser knows while walking the steps in order: which variables are bound and to what kind
// of thing (one node or several, the proxy or not), and which background loads exist. This is what
// lets a malformed scenario fail at parse time ("`$killed` is used before any step sets it") instead
// of half-way through a run with a cluster already broken.

import { PROCESS_VARIABLE } from './types.js';
import { didYouMean } from './suggest.js';
import type { Reader, Y } from './yaml-reader.js';

/** What a target can resolve to, as far as the parser can tell. */
export interface Shape {
  /** May resolve to more than one process. */
  readonly many: boolean;
  /** no: nodes only; only: just the proxy; maybe: nodes and/or the proxy. */
  readonly proxy: 'no' | 'only' | 'maybe';
}

/** Variables bound by steps themselves (besides `as:` names). */
export const BUILTIN_VARIABLES: readonly string[] = Object.freeze([...Object.values(PROCESS_VARIABLE), 'isolated', 'leader']);

export const VARIABLE_NAME = /^[a-z][a-z0-9_]*$/;

interface Binding {
  /** undefined: the step that bound it had a broken target; skip shape checks rather than pile up errors. */
  readonly shape: Shape | undefined;
  readonly path: string;
  readonly line: number;
}

interface PendingUse {
  readonly name: string;
  readonly node: Y;
  readonly path: string;
  readonly index: number;
}

interface LoadInfo {
  readonly bounded: boolean;
  /** Its `ops` limit, when it has one. */
  readonly maxOps: number | undefined;
  running: boolean;
  readonly path: string;
}

export class Scope {
  private readonly bound = new Map<string, Binding>();
  /** Every binding made anywhere, first one per name: to tell "used too early" from "never set". */
  private readonly everBound = new Map<string, { path: string; line: number; index: number }>();
  private readonly pending: PendingUse[] = [];
  private readonly loads = new Map<string, LoadInfo>();

  constructor(private readonly r: Reader) {}

  /** The shape `$name` has now, or undefined (and a pending check) when nothing bound it yet. */
  use(name: string, node: Y, path: string, stepIndex: number): Shape | undefined {
    const b = this.bound.get(name);
    if (b !== undefined) return b.shape;
    this.pending.push({ name, node, path, index: stepIndex });
    return undefined;
  }

  bind(name: string, shape: Shape | undefined, path: string, stepIndex: number, at: Y): void {
    const { line } = this.r.position(this.r.offsetOf(at));
    this.bound.set(name, { shape, path, line });
    if (!this.everBound.has(name)) this.everBound.set(name, { path, line, index: stepIndex });
  }

  isBound(name: string): boolean {
    return this.bound.has(name);
  }

  /** After the last step: report every use of a variable that no earlier step had bound. */
  finish(): void {
    const known = [...new Set([...BUILTIN_VARIABLES, ...this.everBound.keys()])];
    for (const use of this.pending) {
      const later = this.everBound.get(use.name);
      if (later !== undefined && later.index >= use.index) {
        this.r.error(use.node, use.path, `\`$${use.name}\` is used before any step sets it (it is first set by ${later.path} on line ${later.line})`);
      } else if (BUILTIN_VARIABLES.includes(use.name)) {
        this.r.error(use.node, use.path, `\`$${use.name}\` is used before any step sets it (${howToBind(use.name)})`);
      } else {
        this.r.error(use.node, use.path, `unknown variable \`$${use.name}\`${didYouMean(use.name, known, (s) => `\`$${s}\``)} (variables are set by steps: ${BUILTIN_VARIABLES.map((v) => `$${v}`).join(', ')}, or by \`as:\`)`);
      }
    }
  }

  // Loads ------------------------------------------------------------------------------------------

  addLoad(name: string, bounded: boolean, maxOps: number | undefined, path: string, at: Y): void {
    const prev = this.loads.get(name);
    if (prev !== undefined) {
      this.r.error(at, path, `a load named \`${name}\` already exists (${prev.path}); give this one another \`name\``);
      return;
    }
    this.loads.set(name, { bounded, maxOps, running: true, path });
  }

  loadNames(): string[] {
    return [...this.loads.keys()];
  }

  hasLoad(name: string): boolean {
    return this.loads.has(name);
  }

  /** What the parser knows about a load started so far. */
  load(name: string): { readonly bounded: boolean; readonly maxOps: number | undefined; readonly running: boolean } | undefined {
    return this.loads.get(name);
  }

  stopLoad(name: string): void {
    const l = this.loads.get(name);
    if (l !== undefined) l.running = false;
  }

  /** Loads that only end at stop_load and are still running: a `check` would wait for them forever. */
  unboundedRunning(): string[] {
    return [...this.loads].filter(([, l]) => l.running && !l.bounded).map(([name]) => name);
  }
}

function howToBind(name: string): string {
  const action = Object.entries(PROCESS_VARIABLE).find(([, v]) => v === name)?.[0];
  if (action !== undefined) return `a \`${action}\` step sets it`;
  if (name === 'isolated') return 'an `isolate` step sets it';
  return 'a step that targets `leader`, or `await: { leader: elected }`, sets it';
}
