// Background load and its verdict: `load` starts concurrent clients recorded as a history and returns
// at once; `stop_load` ends loads; `check` judges the history. The parser knows every load by name,
// so `stop_load: typo` and a `check` that would wait forever on an endless load fail before any run.

import { CHECK_NAMES, DEFAULT_CHECKS, type CheckName, type CheckStep, type LoadLimit, type LoadMix, type LoadStep, type StopLoadStep } from './types.js';
import { bodyFields, duration, stepBase, stepOptions, type StepInput } from './step-common.js';
import { keyProblem } from '../shared/index.js';
import { didYouMean } from './suggest.js';
import type { Entry, Y } from './yaml-reader.js';

export const LOAD_DEFAULTS = Object.freeze({ name: 'load', clients: 4, keys: 5, mix: Object.freeze({ put: 1, get: 1, cas: 0 }) });
export const MAX_LOAD_CLIENTS = 64;
export const MAX_LOAD_KEYS = 1000;
export const MAX_LOAD_OPS = 1_000_000;

const LOAD_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export function parseLoad(input: StepInput): LoadStep | undefined {
  const { r } = input;
  const example = '{ clients: 4, duration: 10s }';
  const f = bodyFields(input, ['name', 'clients', 'duration', 'ops', 'keys', 'mix'], example, {
    within: '`within` does not apply to `load`: it runs in the background; bound it with `duration` or `ops`',
    retry: '`retry` does not apply to `load`: its clients retry nothing; failed operations are recorded',
    threads: 'concurrent clients are `clients`',
    workers: 'concurrent clients are `clients`',
    concurrency: 'concurrent clients are `clients`',
    for: 'how long is `duration`',
  }, []);
  // Options written beside the step: only `name` means something here (the load's name).
  for (const [key, e] of input.outer) {
    if (key !== 'name') r.error(e.keyNode, e.path, `\`${key}\` does not apply to \`load\`: it runs in the background; bound it with \`duration\` or \`ops\``);
  }
  if (f === undefined) return undefined;
  let bad = false;
  const n = f.get('name') ?? input.outer.get('name');
  if (f.has('name') && input.outer.has('name')) {
    const e = f.get('name') as Entry;
    r.error(e.keyNode, e.path, `\`name\` is given twice, here and at ${input.stepPath}.name; keep one`);
  }
  let name: string = LOAD_DEFAULTS.name;
  if (n !== undefined) {
    const s = r.str(n.value, n.path, 'a load name (lowercase letters, digits, - and _)');
    if (s === undefined || !LOAD_NAME.test(s)) {
      if (s !== undefined) r.expected(n.value, n.path, 'a load name (lowercase letters, digits, - and _)');
      bad = true;
    } else name = s;
  }
  const c = f.get('clients');
  const clients = c === undefined ? LOAD_DEFAULTS.clients : r.int(c.value, c.path, 1, MAX_LOAD_CLIENTS);
  const d = f.get('duration');
  const o = f.get('ops');
  let limit: LoadLimit | undefined = { kind: 'manual' };
  if (d !== undefined && o !== undefined) {
    r.error(o.keyNode, o.path, 'a load ends after `duration` or after `ops` operations, not both');
    limit = undefined;
  } else if (d !== undefined) {
    const ms = duration(r, d.value, d.path);
    limit = ms === undefined ? undefined : { kind: 'duration', ms };
  } else if (o !== undefined) {
    const count = r.int(o.value, o.path, 1, MAX_LOAD_OPS);
    limit = count === undefined ? undefined : { kind: 'ops', count };
  }
  const keys = loadKeys(input, f.get('keys'), name);
  const mix = loadMix(input, f.get('mix'));
  if (limit !== undefined) input.scope.addLoad(name, limit.kind !== 'manual', limit.kind === 'ops' ? limit.count : undefined, input.stepPath, n?.value ?? input.item);
  if (bad || clients === undefined || limit === undefined || keys === undefined || mix === undefined) return undefined;
  return { kind: 'load', ...stepBase(input, undefined, []), name, clients, limit, keys, mix };
}

function loadKeys(input: StepInput, e: Entry | undefined, name: string): string[] | undefined {
  const { r } = input;
  const generate = (count: number): string[] => Array.from({ length: count }, (_, i) => `${name}-k${i}`);
  if (e === undefined) return generate(LOAD_DEFAULTS.keys);
  if (typeof r.scalar(e.value) === 'number') {
    const count = r.int(e.value, e.path, 1, MAX_LOAD_KEYS, `a number of keys from 1 to ${MAX_LOAD_KEYS}, or a list of keys`);
    return count === undefined ? undefined : generate(count);
  }
  const list = r.seq(e.value, e.path, `a number of keys from 1 to ${MAX_LOAD_KEYS}, or a list of keys`);
  if (list === undefined) return undefined;
  if (list.length === 0 || list.length > MAX_LOAD_KEYS) return r.expected(e.value, e.path, `1 to ${MAX_LOAD_KEYS} keys`);
  const keys: string[] = [];
  let bad = false;
  list.forEach((node: Y, i) => {
    const path = `${e.path}[${i}]`;
    const k = r.str(node, path, 'a key (a string)');
    const problem = k === undefined ? undefined : keyProblem(k);
    if (k === undefined) bad = true;
    else if (problem !== undefined) {
      r.expected(node, path, 'a key of 1 to 1024 bytes without control characters', ` (the key ${problem})`);
      bad = true;
    } else if (keys.includes(k)) {
      r.error(node, path, `key ${JSON.stringify(k)} is listed twice`);
      bad = true;
    } else keys.push(k);
  });
  return bad ? undefined : keys;
}

function loadMix(input: StepInput, e: Entry | undefined): LoadMix | undefined {
  const { r } = input;
  if (e === undefined) return LOAD_DEFAULTS.mix;
  const entries = r.entries(e.value, e.path, 'a map of weights like { put: 2, get: 2, cas: 1 }');
  if (entries === undefined) return undefined;
  const f = r.fields(entries, e.path, ['put', 'get', 'cas'], '`mix`', { write: 'writes are `put`', read: 'reads are `get`', delete: 'load clients do not delete; the mix is put, get and cas' });
  const weight = (k: 'put' | 'get' | 'cas'): number | undefined => {
    const x = f.get(k);
    return x === undefined ? 0 : r.weight(x.value, x.path);
  };
  const put = weight('put');
  const get = weight('get');
  const cas = weight('cas');
  if (put === undefined || get === undefined || cas === undefined) return undefined;
  if (put + get + cas === 0) return r.expected(e.value, e.path, 'at least one weight above 0', ' (every weight is 0)');
  return { put, get, cas };
}

/** `- stop_load` / `stop_load: all` (every load so far), `stop_load: NAME`, a list, or `{ load: NAME }`. */
export function parseStopLoad(input: StepInput): StopLoadStep | undefined {
  const { r, scope } = input;
  let inner: Map<string, Entry> | undefined;
  let node: Y = input.body;
  let path = input.path;
  if (r.isMap(input.body)) {
    inner = bodyFields(input, ['load'], '{ load: bg }');
    const l = inner?.get('load');
    node = l?.value ?? null;
    path = l?.path ?? path;
  }
  const opts = stepOptions(input, inner);
  const known = scope.loadNames();
  if (known.length === 0) {
    r.error(input.item, input.stepPath, '`stop_load` with no load started before it (add a `load` step first)');
    return undefined;
  }
  const names: string[] = [];
  const raw: { node: Y; path: string }[] = [];
  const v = r.scalar(node);
  if (v === null || v === 'all') names.push(...known);
  else if (r.isSeq(node)) (r.seq(node, path) ?? []).forEach((n, i) => raw.push({ node: n, path: `${path}[${i}]` }));
  else raw.push({ node, path });
  let bad = false;
  for (const item of raw) {
    const s = r.str(item.node, item.path, 'a load name or `all`');
    if (s === undefined) bad = true;
    else if (!scope.hasLoad(s)) {
      r.error(item.node, item.path, `no load named \`${s}\`${didYouMean(s, known)} (loads so far: ${known.join(', ')})`);
      bad = true;
    } else names.push(s);
  }
  for (const name of names) scope.stopLoad(name);
  if (bad) return undefined;
  return { kind: 'stop_load', ...stepBase(input, opts.label, []), ...opts, loads: [...new Set(names)] };
}

/** `- check` (linearizable + no_lost_writes), `check: linearizable`, or a list of check names. */
export function parseCheck(input: StepInput): CheckStep | undefined {
  const { r, scope } = input;
  const what = `a check (${CHECK_NAMES.join(', ')}) or a list of them`;
  const checks: CheckName[] = [];
  const raw: { node: Y; path: string }[] = [];
  const v = r.scalar(input.body);
  if (v === null) checks.push(...DEFAULT_CHECKS);
  else if (r.isSeq(input.body)) (r.seq(input.body, input.path) ?? []).forEach((n, i) => raw.push({ node: n, path: `${input.path}[${i}]` }));
  else if (typeof v === 'string') raw.push({ node: input.body, path: input.path });
  else r.expected(input.body, input.path, what, r.isMap(input.body) ? ' (options like `within` go beside `check`, not inside it)' : '');
  let bad = raw.length === 0 && checks.length === 0;
  for (const item of raw) {
    const s = r.str(item.node, item.path, what);
    if (s === undefined) bad = true;
    else if ((CHECK_NAMES as readonly string[]).includes(s)) checks.push(s as CheckName);
    else {
      const hint = s === 'all' ? ' — name the checks (a bare `- check` runs linearizable and no_lost_writes)' : didYouMean(s, CHECK_NAMES);
      r.error(item.node, item.path, `unknown check \`${s}\`${hint || ` (checks: ${CHECK_NAMES.join(', ')})`}`);
      bad = true;
    }
  }
  const opts = stepOptions(input, undefined);
  const endless = scope.unboundedRunning();
  if (endless.length > 0) {
    r.error(input.item, input.stepPath, `\`check\` waits for loads to finish, but ${endless.map((n) => `\`${n}\``).join(', ')} has no \`duration\` or \`ops\` and is still running: add \`stop_load\` before it`);
    bad = true;
  }
  if (bad) return undefined;
  return { kind: 'check', ...stepBase(input, opts.label, []), ...opts, checks: [...new Set(checks)] };
}
