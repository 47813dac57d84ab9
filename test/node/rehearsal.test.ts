// A warm spare's rehearsal (src/node/rehearsal.ts) runs the follower's catch-up path on made-up data:
// it must go all the way through (every entry applied) and touch nothing outside the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { rehearse } from '../../src/node/rehearsal.js';

test('rehearse applies every made-up entry, round after round, and writes no file', () => {
  const before = readdirSync(tmpdir()).sort();
  assert.equal(rehearse(300, 2), 600);
  assert.equal(rehearse(1, 1), 1);
  assert.deepEqual(readdirSync(tmpdir()).sort(), before);
});
