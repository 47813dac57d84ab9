// `bench --failover 1` on a fresh cluster: the leader is SIGKILLed under write load, a write issued
// after the kill succeeds, another node leads afterwards, and the JSON says so. No timing assertion
// beyond "it happened": this machine is shared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from '../../src/bench/index.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

test('bench --failover 1 --json: one round, a new leader, kill → first write measured', async () => {
  const r = await new Promise<{ err: Error | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [CLI, 'bench', '--failover', '1', '--clients', '4', '--keys', '50', '--json'], { encoding: 'utf8', timeout: 180_000 }, (err, stdout, stderr) => resolve({ err, stdout, stderr }));
  });
  assert.equal(r.err, null, `stderr:\n${r.stderr}`);
  const j = JSON.parse(r.stdout) as BenchResult;
  assert.equal(j.kind, 'failover');
  const f = j.failover;
  assert.ok(f);
  assert.equal(f.rounds.length, 1);
  const round = f.rounds[0];
  assert.ok(round);
  assert.ok(round.ms !== null && round.ms > 0, `kill → first write: ${round.ms}`);
  assert.equal(f.medianMs, round.ms);
  assert.notEqual(round.newLeader, round.victim, 'another node leads after the kill');
  assert.equal(f.kills.length, 1);
  assert.ok(j.ops > 0 && j.latencyMs.count === j.ops);
  assert.ok(j.timeline.length > 0);
});
