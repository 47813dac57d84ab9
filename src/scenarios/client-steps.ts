// put / get / delete / cas: one client request with an expectation (a value, absence, or an error).
// YAML `from:` names the endpoint (proxy by default); in `cas`, `from:` is the expected old value, so
// its endpoint is `on:`.

import { ERROR_CODES, keyProblem, valueProblem } from '../shared/index.js';
import { PROXY_TARGET, type CasStep, type Consistency, type DeleteStep, type ExpectedError, type GetStep, type PutStep, type Target } from './types.js';
import { bodyFields, stepBase, stepOptions, targetContext, type StepInput } from './step-common.js';
import { mentionsLeader, parseTargets, type TargetUse } from './targets.js';
import { didYouMean } from './suggest.js';
import type { Entry, FieldHints, Reader, Y } from './yaml-reader.js';

const ENDPOINT_HINTS: FieldHints = {
  on: 'the endpoint of put/get/delete is `from`',
  via: 'the endpoint of put/get/delete is `from`',
  target: 'the endpoint of put/get/delete is `from`',
  error: 'an expected error is `expect_error` (true or a code like NO_QUORUM)',
  expect_err: 'an expected error is `expect_error` (true or a code like NO_QUORUM)',
};

export function parsePut(input: StepInput): PutStep | undefined {
  const f = bodyFields(input, ['key', 'value', 'from', 'expect_error', 'allow_error'], '{ key: k, value: v }', {
    ...ENDPOINT_HINTS,
    expect: 'a put writes `value`; check it with a `get` step after it',
  });
  const opts = stepOptions(input, f);
  if (f === undefined) return undefined;
  const key = requiredKey(input, f);
  const value = requiredValue(input, f, 'value', '{ key: k, value: v }');
  const ep = endpoint(input, f.get('from'), 'one-endpoint');
  const errs = errorExpectations(input, f);
  if (key === undefined || value === undefined || ep === undefined || errs === undefined) return undefined;
  return { kind: 'put', ...stepBase(input, opts.label, ep.binds), ...opts, key, value, endpoint: ep.targets, ...errs };
}

export function parseGet(input: StepInput): GetStep | undefined {
  const f = bodyFields(input, ['key', 'expect', 'from', 'consistency', 'expect_error', 'allow_error'], '{ key: k, expect: v }', {
    ...ENDPOINT_HINTS,
    value: 'a get checks what it reads with `expect` (null = absent)',
    expected: 'a get checks what it reads with `expect` (null = absent)',
  });
  const opts = stepOptions(input, f);
  if (f === undefined) return undefined;
  const { r } = input;
  const key = requiredKey(input, f);
  const ep = endpoint(input, f.get('from'), 'endpoints');
  const consistency = consistencyOf(r, f.get('consistency'), 'linearizable');
  const e = f.get('expect');
  let expect: GetStep['expect'];
  let bad = false;
  if (e !== undefined) {
    const v = r.strOrNull(e.value, e.path, 'the value to read (a string), or null for "absent"');
    if (v === undefined) bad = true;
    else expect = { value: v };
  }
  const errs = errorExpectations(input, f);
  if (e !== undefined && f.has('expect_error')) {
    const x = f.get('expect_error') as Entry;
    r.error(x.keyNode, x.path, 'a get expects either a value (`expect`) or an error (`expect_error`), not both (`allow_error` accepts an error besides the value)');
    bad = true;
  }
  if (key === undefined || ep === undefined || consistency === undefined || errs === undefined || bad) return undefined;
  return { kind: 'get', ...stepBase(input, opts.label, ep.binds), ...opts, key, endpoint: ep.targets, consistency, expect, ...errs };
}

export function parseDelete(input: StepInput): DeleteStep | undefined {
  const f = bodyFields(input, ['key', 'from', 'deleted', 'expect_error', 'allow_error'], '{ key: k }', {
    ...ENDPOINT_HINTS,
    expect: 'a delete can check the answer with `deleted: true` (the key existed) or `deleted: false`',
  });
  const opts = stepOptions(input, f);
  if (f === undefined) return undefined;
  const { r } = input;
  const key = requiredKey(input, f);
  const ep = endpoint(input, f.get('from'), 'one-endpoint');
  const d = f.get('deleted');
  const expectDeleted = d === undefined ? undefined : r.bool(d.value, d.path);
  const errs = errorExpectations(input, f);
  if (key === undefined || ep === undefined || (d !== undefined && expectDeleted === undefined) || errs === undefined) return undefined;
  return { kind: 'delete', ...stepBase(input, opts.label, ep.binds), ...opts, key, endpoint: ep.targets, expectDeleted, ...errs };
}

export function parseCas(input: StepInput): CasStep | undefined {
  const example = '{ key: k, from: old, to: new }';
  const f = bodyFields(input, ['key', 'from', 'to', 'on', 'expect_error', 'allow_error'], example, {
    value: 'a cas writes `to` when the key holds `from`',
    expect: 'a cas writes `to` when the key holds `from`; a mismatch is `expect_error: CAS_MISMATCH`',
    via: 'the endpoint of a cas is `on` (its `from` is the value it expects)',
    target: 'the endpoint of a cas is `on` (its `from` is the value it expects)',
    error: 'an expected error is `expect_error` (true or a code like CAS_MISMATCH)',
  });
  const opts = stepOptions(input, f);
  if (f === undefined) return undefined;
  const { r } = input;
  const key = requiredKey(input, f);
  const fromEntry = f.get('from');
  let from: string | null | undefined;
  if (fromEntry === undefined) r.missing(input.body, input.path, 'from', '`cas`', `${example} (from: null = the key must not exist)`);
  else from = r.strOrNull(fromEntry.value, fromEntry.path, 'the value the key must hold (a string), or null for "must not exist"');
  const to = requiredValue(input, f, 'to', example);
  const ep = endpoint(input, f.get('on'), 'one-endpoint');
  const errs = errorExpectations(input, f);
  if (key === undefined || from === undefined || to === undefined || ep === undefined || errs === undefined) return undefined;
  return { kind: 'cas', ...stepBase(input, opts.label, ep.binds), ...opts, key, from, to, endpoint: ep.targets, ...errs };
}

// ---------------------------------------------------------------------------------------------------

function requiredKey(input: StepInput, f: ReadonlyMap<string, Entry>): string | undefined {
  const { r } = input;
  const e = f.get('key');
  if (e === undefined) return r.missing(input.body, input.path, 'key', `\`${input.kind}\``, '`key: data1`');
  const key = r.str(e.value, e.path, 'a key (a string)');
  if (key === undefined) return undefined;
  const problem = keyProblem(key);
  if (problem !== undefined) return r.expected(e.value, e.path, 'a key of 1 to 1024 bytes without control characters', ` (the key ${problem})`);
  return key;
}

function requiredValue(input: StepInput, f: ReadonlyMap<string, Entry>, field: 'value' | 'to', example: string): string | undefined {
  const { r } = input;
  const e = f.get(field);
  if (e === undefined) return r.missing(input.body, input.path, field, `\`${input.kind}\``, example);
  if (r.scalar(e.value) === null) {
    const hint = field === 'value' ? ' (to remove a key use a `delete` step)' : ' (to remove a key use a `delete` step; a cas writes a string)';
    return r.expected(e.value ?? e.keyNode, e.path, 'a value (a string)', hint);
  }
  const v = r.str(e.value, e.path, 'a value (a string)');
  if (v === undefined) return undefined;
  const problem = valueProblem(v, field);
  if (problem !== undefined) return r.expected(e.value, e.path, 'a value of at most 1 MiB', ` (${problem.detail})`);
  return v;
}

/** The endpoint targets (proxy when absent) and the variables resolving them binds. */
function endpoint(input: StepInput, e: Entry | undefined, use: TargetUse): { targets: readonly Target[]; binds: string[] } | undefined {
  if (e === undefined) return { targets: [PROXY_TARGET], binds: [] };
  const parsed = parseTargets(targetContext(input), e.value, e.path, use);
  if (parsed === undefined) return undefined;
  if (mentionsLeader(parsed.targets)) input.scope.bind('leader', { many: false, proxy: 'no' }, input.stepPath, input.index, input.item);
  return { targets: parsed.targets, binds: mentionsLeader(parsed.targets) ? ['leader'] : [] };
}

/** `consistency: linearizable | stale`. */
export function consistencyOf(r: Reader, e: Entry | undefined, fallback: Consistency): Consistency | undefined {
  if (e === undefined) return fallback;
  const v = r.str(e.value, e.path, '`linearizable` or `stale`');
  if (v === undefined) return undefined;
  if (v === 'linearizable' || v === 'stale') return v;
  return r.expected(e.value, e.path, '`linearizable` or `stale`', didYouMean(v, ['linearizable', 'stale']));
}

const CODES = Object.keys(ERROR_CODES);

/** expect_error and allow_error (not both); undefined when either is malformed (already reported). */
function errorExpectations(input: StepInput, f: ReadonlyMap<string, Entry>): { expectError: ExpectedError | undefined; allowError: ExpectedError | undefined } | undefined {
  const { r, kind } = input;
  const expectError = expectedError(r, f.get('expect_error'), kind);
  const allowError = expectedError(r, f.get('allow_error'), kind);
  if (expectError === null || allowError === null) return undefined;
  if (expectError !== undefined && allowError !== undefined) {
    const a = f.get('allow_error') as Entry;
    r.error(a.keyNode, a.path, '`expect_error` (the step must fail) and `allow_error` (it may fail) contradict each other; keep one');
    return undefined;
  }
  return { expectError, allowError };
}

/**
 * `expect_error` / `allow_error`: `true | CODE | [CODE, ...]`. Returns undefined when absent, null when malformed (already
 * reported), else the expectation.
 */
function expectedError(r: Reader, e: Entry | undefined, kind: string): ExpectedError | undefined | null {
  if (e === undefined) return undefined;
  const what = 'true (any error) or an error code like NO_QUORUM (or a list of codes)';
  const field = e.key;
  const v = r.scalar(e.value);
  if (v === true) return { kind: 'any' };
  if (v === false) {
    r.error(e.value, e.path, `expected true or an error code, found false (leave \`${field}\` out when the step must succeed)`);
    return null;
  }
  const items: { node: Y; path: string }[] = [];
  if (r.isSeq(e.value)) {
    const list = r.seq(e.value, e.path) ?? [];
    if (list.length === 0) {
      r.expected(e.value, e.path, what);
      return null;
    }
    list.forEach((node, i) => items.push({ node, path: `${e.path}[${i}]` }));
  } else if (typeof v === 'string') items.push({ node: e.value, path: e.path });
  else {
    r.expected(e.value, e.path, what);
    return null;
  }
  const codes: string[] = [];
  let bad = false;
  for (const item of items) {
    const code = r.str(item.node, item.path, 'an error code like NO_QUORUM');
    if (code === undefined) bad = true;
    else if (!CODES.includes(code)) {
      const suggestion = didYouMean(code, CODES);
      r.error(item.node, item.path, `unknown error code \`${code}\`${suggestion || ` (codes: ${CODES.join(', ')})`}`);
      bad = true;
    } else if (code === 'KEY_NOT_FOUND' && kind === 'get') {
      r.error(item.node, item.path, `a missing key is a normal answer for a get: write \`expect: null\` instead of \`${field}: KEY_NOT_FOUND\``);
      bad = true;
    } else codes.push(code);
  }
  return bad ? null : { kind: 'codes', codes: [...new Set(codes)] };
}
