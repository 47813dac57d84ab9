// The REPL's words: tokenizing like a shell, the command vocabulary, completion and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KeyCompleter, parseLine, parseTimeout, quoteWord, tokenize } from '../../src/client/repl/index.js';
import { KvError } from '../../src/client/index.js';
import { exitCodeOf } from '../../src/client/repl/index.js';
import type { KvOutcome } from '../../src/client/repl/index.js';

const words = (line: string): string[] => {
  const t = tokenize(line);
  assert.ok(t.ok, `tokenize(${JSON.stringify(line)}) failed`);
  return t.tokens.map((x) => x.text);
};

test('quotes group words: double quotes with escapes, single quotes literal, backslash outside', () => {
  assert.deepEqual(words('put greeting "hello world"'), ['put', 'greeting', 'hello world']);
  assert.deepEqual(words("put k 'a \"b\" c'"), ['put', 'k', 'a "b" c']);
  assert.deepEqual(words('put k "line\\none \\"q\\""'), ['put', 'k', 'line\none "q"']);
  assert.deepEqual(words('put k hello\\ world'), ['put', 'k', 'hello world']);
  assert.deepEqual(words('put k ""'), ['put', 'k', '']);
  assert.deepEqual(words('  get   a  '), ['get', 'a']);
});

test('an unterminated quote is reported, not guessed', () => {
  const t = tokenize('put k "oops');
  assert.equal(t.ok, false);
  assert.match(!t.ok ? t.problem : '', /unterminated " quote/);
  assert.equal(tokenize("put k 'x").ok, false);
});

test('quoteWord round-trips through tokenize for any string (property, seeded)', () => {
  const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
  try {
    fc.assert(fc.property(fc.string(), (s) => {
      const t = tokenize(`get ${quoteWord(s)}`);
      return t.ok && t.tokens.length === 2 && t.tokens[1]?.text === s;
    }), { seed, numRuns: 300 });
  } catch (err) {
    throw new Error(`property failed with seed=${seed} (rerun with SEED=${seed})`, { cause: err });
  }
});

test('commands parse into values; aliases and case are accepted', () => {
  assert.deepEqual(parseLine('put a 1'), { ok: true, command: { kind: 'put', key: 'a', value: '1' } });
  assert.deepEqual(parseLine('GET a --stale'), { ok: true, command: { kind: 'get', key: 'a', stale: true } });
  assert.deepEqual(parseLine('get --stale a'), { ok: true, command: { kind: 'get', key: 'a', stale: true } });
  assert.deepEqual(parseLine('delete a'), { ok: true, command: { kind: 'del', key: 'a' } });
  assert.deepEqual(parseLine('quit'), { ok: true, command: { kind: 'exit' } });
  assert.deepEqual(parseLine('   '), { ok: true, command: { kind: 'empty' } });
  assert.deepEqual(parseLine('# a comment'), { ok: true, command: { kind: 'empty' } });
  assert.deepEqual(parseLine('help cas'), { ok: true, command: { kind: 'help', topic: 'cas' } });
});

test('cas: an unquoted - means absent, a quoted one is the string "-"', () => {
  assert.deepEqual(parseLine('cas k - v'), { ok: true, command: { kind: 'cas', key: 'k', from: null, to: 'v' } });
  assert.deepEqual(parseLine("cas k '-' v"), { ok: true, command: { kind: 'cas', key: 'k', from: '-', to: 'v' } });
  assert.deepEqual(parseLine('cas k "" v'), { ok: true, command: { kind: 'cas', key: 'k', from: '', to: 'v' } });
});

test('wrong arity and unknown words are usage problems that say what is expected', () => {
  const p = parseLine('put k hello world');
  assert.equal(p.ok, false);
  assert.match(!p.ok ? p.problem : '', /usage: put KEY VALUE.*quote/);
  const u = parseLine('frobnicate');
  assert.match(!u.ok ? u.problem : '', /unknown command "frobnicate"; commands: put, get/);
  assert.match((parseLine('get k --fast') as { problem: string }).problem, /unknown flag --fast/);
  assert.match((parseLine('status now') as { problem: string }).problem, /status takes no arguments/);
});

test('completion offers commands, then recent keys (most recent first), then --stale', () => {
  const c = new KeyCompleter();
  assert.deepEqual(c.complete('pu'), [['put '], 'pu']);
  assert.deepEqual(c.complete(''), [['put ', 'get ', 'del ', 'cas ', 'status ', 'leader ', 'menu ', 'help ', 'exit '], '']);
  c.noteLines(['put apple 1', 'get apricot', 'put "a b" 2', 'status']);
  c.noteKey('banana');
  assert.deepEqual(c.complete('get ap'), [['apricot ', 'apple '], 'ap']);
  assert.deepEqual(c.complete('get a'), [["'a b' ", 'apricot ', 'apple '], 'a']);
  assert.deepEqual(c.complete('get --'), [['--stale '], '--']);
  assert.deepEqual(c.complete('put apple '), [[], '']);
  assert.deepEqual(c.complete('help le'), [['leader '], 'le']);
});

test('--timeout accepts 5s, 1500ms, 1m and bare milliseconds; rejects the rest', () => {
  assert.deepEqual(parseTimeout('5s'), { ok: true, ms: 5000 });
  assert.deepEqual(parseTimeout('1500ms'), { ok: true, ms: 1500 });
  assert.deepEqual(parseTimeout('1m'), { ok: true, ms: 60_000 });
  assert.deepEqual(parseTimeout('250'), { ok: true, ms: 250 });
  assert.equal(parseTimeout('soon').ok, false);
  assert.equal(parseTimeout('0s').ok, false);
});

test('exit codes: 0 success, 1 definite failure (not found, CAS mismatch), 2 outage or unknown outcome', () => {
  const base = { servedBy: 'x', latencyMs: 1, attempts: 1 };
  const failed = (error: KvError, uncertain = false): KvOutcome => ({ ...base, ok: false, command: { kind: 'cas', key: 'k', from: null, to: 'v' }, error, gaveUp: false, uncertain, deadlineMs: 1 });
  assert.equal(exitCodeOf({ ...base, ok: true, command: { kind: 'get', key: 'k', stale: false }, result: { kind: 'get', value: 'v' } }), 0);
  assert.equal(exitCodeOf({ ...base, ok: true, command: { kind: 'get', key: 'k', stale: false }, result: { kind: 'get', value: null } }), 1);
  assert.equal(exitCodeOf({ ...base, ok: true, command: { kind: 'del', key: 'k' }, result: { kind: 'del', deleted: false, index: 3 } }), 0);
  assert.equal(exitCodeOf(failed(new KvError('CAS_MISMATCH', 409, true, 'x'))), 1);
  assert.equal(exitCodeOf(failed(new KvError('UNREACHABLE', 0, true, 'x'))), 2);
  assert.equal(exitCodeOf(failed(new KvError('CAS_MISMATCH', 409, true, 'x'), true)), 2);
  assert.equal(exitCodeOf(failed(new KvError('INVALID_KEY', 400, true, 'x'))), 2);
});
