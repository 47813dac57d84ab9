// Target expressions in scenario files → `Target[]`, checked against the cluster shape and the
// variables bound so far. Accepted spellings: a node id (`2`, as a number or a string), `node-2`, a
// keyword (leader, follower, followers, random, proxy, all), `$var`, a comma list in one string
// (`1,2`, as the CLI takes it), or a YAML list of any of these.

import { TARGET_KEYWORDS, type Target, type TargetKeyword } from './types.js';
import { VARIABLE_NAME, type Scope, type Shape } from './scope.js';
import { didYouMean } from './suggest.js';
import type { Reader, Y } from './yaml-reader.js';

/** Where a target is used decides what it may name. */
export type TargetUse =
  /** put/delete/cas endpoint: exactly one process (proxy allowed). */
  | 'one-endpoint'
  /** get endpoint, await key `on`: one or several processes (proxy allowed). */
  | 'endpoints'
  /** kill/start/stop/restart/pause/resume: any processes. */
  | 'processes'
  /** await caught_up, isolate, partition groups: nodes only. */
  | 'nodes';

export const TARGET_EXPECTED = 'a target: a node id (2), node-2, leader, follower, followers, random, proxy, all or a $variable';

/** Context for parsing targets of one step. */
export interface TargetContext {
  readonly r: Reader;
  readonly scope: Scope;
  readonly nodes: number;
  readonly stepIndex: number;
}

/** Parse a target value (scalar, comma string or list) into a non-empty Target[] plus its shape. */
export function parseTargets(ctx: TargetContext, node: Y, path: string, use: TargetUse): { targets: Target[]; shape: Shape | undefined } | undefined {
  const { r } = ctx;
  const items: { node: Y; path: string; text: string | number }[] = [];
  if (r.isSeq(node)) {
    const list = r.seq(node, path) ?? [];
    if (list.length === 0) return r.expected(node, path, 'at least one target');
    list.forEach((item, i) => {
      const v = r.scalar(item);
      if (typeof v === 'string' || typeof v === 'number') items.push({ node: item, path: `${path}[${i}]`, text: v });
      else r.expected(item, `${path}[${i}]`, TARGET_EXPECTED);
    });
  } else {
    const v = r.scalar(node);
    if (typeof v === 'number') items.push({ node, path, text: v });
    else if (typeof v === 'string') return parseTargetString(ctx, v, node, path, use);
    else return r.expected(node, path, TARGET_EXPECTED);
  }
  return finish(ctx, items, node, path, use);
}

/** Parse `text` (one target or a comma list) as targets; `at` positions any error. */
export function parseTargetString(ctx: TargetContext, text: string, at: Y, path: string, use: TargetUse): { targets: Target[]; shape: Shape | undefined } | undefined {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) return ctx.r.expected(at, path, TARGET_EXPECTED);
  return finish(ctx, parts.map((p) => ({ node: at, path, text: p })), at, path, use);
}

function finish(ctx: TargetContext, items: readonly { node: Y; path: string; text: string | number }[], node: Y, path: string, use: TargetUse): { targets: Target[]; shape: Shape | undefined } | undefined {
  const { r } = ctx;
  const before = r.issueCount;
  const parsed: { target: Target; shape: Shape | undefined; node: Y; path: string }[] = [];
  for (const item of items) {
    const one = parseOne(ctx, item.text, item.node, item.path, use);
    if (one !== undefined) parsed.push({ ...one, node: item.node, path: item.path });
  }
  if (r.issueCount > before) return undefined;
  const targets = parsed.map((p) => p.target);
  const shapes = parsed.map((p) => p.shape);
  const shape = shapes.some((s) => s === undefined) ? undefined : combine(shapes as Shape[]);
  if (shape !== undefined) {
    if (use === 'one-endpoint' && shape.many) {
      r.error(node, path, `expected one process to send the request to, found ${describeTargets(targets)}, which can name several (use \`follower\` for one follower)`);
      return undefined;
    }
    if (use === 'nodes' && shape.proxy === 'only') {
      r.error(node, path, `expected nodes, found ${describeTargets(targets)}, which is the proxy (it has no log)`);
      return undefined;
    }
  }
  return { targets, shape };
}

/** The shape of a list of targets taken together. */
export function combine(shapes: readonly Shape[]): Shape {
  const many = shapes.length > 1 || shapes.some((s) => s.many);
  const proxy = shapes.every((s) => s.proxy === 'only') ? 'only' : shapes.every((s) => s.proxy === 'no') ? 'no' : 'maybe';
  return { many, proxy };
}

/** "leader", "`1,2`", "$killed" as written, for messages. */
export function describeTargets(targets: readonly Target[]): string {
  return `\`${targets.map((t) => t.text).join(',')}\``;
}

function parseOne(ctx: TargetContext, raw: string | number, node: Y, path: string, use: TargetUse): { target: Target; shape: Shape | undefined } | undefined {
  const { r, scope, nodes } = ctx;
  const text = String(raw);
  if (typeof raw === 'number' || /^\d+$/.test(text) || /^node-\d+$/.test(text)) {
    const id = Number(typeof raw === 'number' ? raw : text.replace(/^node-/, ''));
    if (!Number.isInteger(id) || id < 1 || id > nodes) {
      r.error(node, path, `${text.startsWith('node-') ? text : `node ${text}`} does not exist: the cluster has ${nodes} nodes (ids 1–${nodes})${id > nodes && Number.isInteger(id) ? `; set \`cluster: { nodes: ${Math.max(id, nodes)} }\` for more` : ''}`);
      return undefined;
    }
    return { target: { kind: 'node', id, text }, shape: { many: false, proxy: 'no' } };
  }
  if (text.startsWith('$')) {
    const name = text.slice(1);
    if (!VARIABLE_NAME.test(name)) {
      r.error(node, path, `expected a variable name like $killed after \`$\`, found ${JSON.stringify(text)}`);
      return undefined;
    }
    return { target: { kind: 'var', name, text }, shape: scope.use(name, node, path, ctx.stepIndex) };
  }
  if ((TARGET_KEYWORDS as readonly string[]).includes(text)) {
    const keyword = text as TargetKeyword;
    if (use === 'nodes' && keyword === 'proxy') {
      r.error(node, path, 'expected nodes, found `proxy` (it has no log and no links to cut)');
      return undefined;
    }
    return { target: { kind: 'keyword', keyword, text }, shape: KEYWORD_SHAPE[keyword] };
  }
  const suggestion = didYouMean(text, TARGET_KEYWORDS);
  r.error(node, path, `unknown target ${JSON.stringify(text)}${suggestion || ` (${TARGET_EXPECTED.replace(/^a target: /, 'a target is ')})`}`);
  return undefined;
}

const KEYWORD_SHAPE: Readonly<Record<TargetKeyword, Shape>> = {
  leader: { many: false, proxy: 'no' },
  follower: { many: false, proxy: 'no' },
  random: { many: false, proxy: 'no' },
  followers: { many: true, proxy: 'no' },
  proxy: { many: false, proxy: 'only' },
  all: { many: true, proxy: 'maybe' },
};

/** True when resolving these targets reads the leader (so the step also binds `$leader`). */
export function mentionsLeader(targets: readonly Target[]): boolean {
  return targets.some((t) => t.kind === 'keyword' && t.keyword === 'leader');
}
