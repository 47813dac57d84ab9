// Bad input → a ScenarioError, never a crash: built-in files mangled at random (characters deleted,
// duplicated, swapped for YAML punctuation) either still parse or are refused with positioned issues.
// Replay with SCENARIO_SEED=<seed> node scripts/run-tests.js scenarios/robustness
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { BUILTIN_DIR, builtinNames, parseScenario, ScenarioError } from '../../src/scenarios/index.js';

const seed = process.env.SCENARIO_SEED ? Number(process.env.SCENARIO_SEED) : Date.now() % 2 ** 31;

const PUNCTUATION = [':', '-', '{', '}', '[', ']', ',', ' ', '\n', '$', '"', '&a ', '*a', '#', '!!int ', '\t', '?', '0', 'null'];

const edit = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'insert', 'duplicate'),
  text: fc.constantFrom(...PUNCTUATION),
  len: fc.integer({ min: 1, max: 6 }),
});

function mangle(text: string, edits: readonly { at: number; kind: string; text: string; len: number }[]): string {
  let out = text;
  for (const e of edits) {
    const i = e.at % (out.length + 1);
    if (e.kind === 'delete') out = out.slice(0, i) + out.slice(i + e.len);
    else if (e.kind === 'insert') out = out.slice(0, i) + e.text + out.slice(i);
    else out = out.slice(0, i) + out.slice(i, i + e.len) + out.slice(i);
  }
  return out;
}

test('mangled scenario files never crash the parser', async () => {
  const texts = (await builtinNames()).map((n) => readFileSync(join(BUILTIN_DIR, `${n}.yaml`), 'utf8'));
  let refused = 0;
  try {
    fc.assert(fc.property(fc.nat({ max: texts.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 4 }), (which, edits) => {
      const text = mangle(texts[which] as string, edits);
      try {
        parseScenario(text, 'mangled.yaml');
      } catch (err) {
        if (!(err instanceof ScenarioError)) throw err;
        refused++;
        assert.ok(err.issues.length > 0);
        const lines = text.split('\n').length;
        for (const i of err.issues) assert.ok(i.line >= 1 && i.line <= lines + 1 && i.col >= 1, `position ${i.line}:${i.col} outside the file`);
      }
    }), { seed, numRuns: 400 });
  } catch (err) {
    console.log(`seed=${seed} (replay: SCENARIO_SEED=${seed} node scripts/run-tests.js scenarios/robustness)`);
    throw err;
  }
  assert.ok(refused > 30, `the mangling should break most files (refused ${refused})`);
});

test('anchors and aliases resolve to what they point at', () => {
  const s = parseScenario('name: t\ndescription: d\nsteps:\n  - put: &w { key: a, value: b }\n  - put: *w\n  - get: { key: a, expect: b, from: &f followers }\n  - get: { key: a, from: *f }\n', 'a.yaml');
  assert.equal(s.steps.length, 4);
  assert.deepEqual(s.steps.map((st) => st.kind), ['put', 'put', 'get', 'get']);
});

test('odd but well-formed YAML is refused precisely, not crashed on', () => {
  const cases: [string, RegExp][] = [
    ['name: t\ndescription: d\nsteps:\n  -\n', /steps\[0\]: expected a step: a map like `put: \{ key: k, value: v \}` or `kill: leader`, found nothing/],
    ['name: t\ndescription: d\nsteps:\n  - { 1: leader }\n', /steps\[0\]: expected a field name, found the number 1/],
    ['name: t\ndescription: d\nsteps:\n  - ? [a]\n    : b\n', /steps\[0\]: expected a field name, found a list/],
    ['name: t\ndescription: d\nsteps: heal\n', /steps: expected a list of steps, found the string "heal"/],
    ['name: t\ndescription: d\nsteps: []\n', /steps: expected at least one step, found an empty list/],
    ['name: t\ndescription: |\n  two\n  lines\nsteps:\n  - heal\n', /description: expected a one-line description/],
    ['name: t\ndescription: d\nseed: -1\nsteps:\n  - heal\n', /seed: expected a whole number ≥ 0, found the number -1/],
    ['name: t\ndescription: d\nsteps:\n  - heal\n---\nname: u\n', /a scenario file holds one YAML document/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseScenario(text, 'x.yaml'), (err: unknown) => err instanceof ScenarioError && re.test(err.message), text);
  }
});
