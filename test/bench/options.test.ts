// Flag validation of `raft-sup bench` and `bench-all`: defaults, every range and choice, the
// combinations that make no sense; and through the real CLI, that a bad flag is one line on stderr
// and exit code 2 before anything starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseBenchAllFlags, parseBenchFlags, BENCH_DEFAULTS } from '../../src/bench/index.js';
import { FIRST_WARMUP_MS, loadOptions } from '../../src/bench/bench-all.js';
import { median } from '../../src/bench/histogram.js';
import { UsageError } from '../../src/shared/index.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

test('no flags: 64 writers through the proxy for 10 s after a 2 s warm-up on a fresh cluster', () => {
  const o = parseBenchFlags({});
  assert.equal(o.clients, 64);
  assert.equal(o.durationMs, 10_000);
  assert.equal(o.warmupMs, 2_000);
  assert.equal(o.workload, 'write');
  assert.equal(o.target, 'proxy');
  assert.equal(o.keys, BENCH_DEFAULTS.keys);
  assert.equal(o.valueSize, 100);
  assert.equal(o.attach, false);
  assert.equal(o.dir, undefined);
  assert.equal(o.failover, 0);
});

test('every flag is read', () => {
  const o = parseBenchFlags({ clients: '8', duration: '1m30s', warmup: '0', workload: 'stale-read', keys: '50', valueSize: '1024', target: 'leader', json: true, report: 'out', nodes: '5' });
  assert.deepEqual(
    { c: o.clients, d: o.durationMs, w: o.warmupMs, wl: o.workload, k: o.keys, v: o.valueSize, t: o.target, j: o.json, r: o.reportDir, n: o.nodes },
    { c: 8, d: 90_000, w: 0, wl: 'stale-read', k: 50, v: 1024, t: 'leader', j: true, r: 'out', n: 5 },
  );
  assert.equal(parseBenchFlags({ attach: true }).dir, './.raft-sup');
  assert.equal(parseBenchFlags({ attach: true, dir: '/tmp/x' }).dir, '/tmp/x');
  assert.equal(parseBenchFlags({ failover: '10' }).failover, 10);
});

const BAD: [string, Parameters<typeof parseBenchFlags>[0], RegExp][] = [
  ['zero clients', { clients: '0' }, /--clients: expected an integer 1\.\.1024, received 0/],
  ['too many clients', { clients: '5000' }, /--clients/],
  ['clients not a number', { clients: 'lots' }, /--clients: expected an integer/],
  ['duration without a unit', { duration: '10' }, /--duration: expected a duration/],
  ['duration too short', { duration: '100ms' }, /--duration: expected at least/],
  ['duration too long', { duration: '2h' }, /--duration: expected at most 1h/],
  ['negative warm-up', { warmup: '-1s' }, /--warmup/],
  ['unknown workload', { workload: 'scan' }, /--workload: expected one of write, read, stale-read, mixed, received "scan"/],
  ['unknown target', { target: 'follower' }, /--target: expected one of proxy, leader/],
  ['no keys', { keys: '0' }, /--keys/],
  ['value too large', { valueSize: String(2 * 1024 * 1024) }, /--value-size/],
  ['failover with reads', { failover: '3', workload: 'read' }, /--failover .* drop --workload read/],
  ['failover to the leader', { failover: '3', target: 'leader' }, /--failover writes through the proxy/],
  ['failover zero', { failover: '0' }, /--failover/],
  ['nodes with attach', { attach: true, nodes: '3' }, /--nodes .* --attach/],
  ['profile with attach', { attach: true, profile: '/tmp/p' }, /--profile .* drop --attach/],
];

for (const [name, flags, message] of BAD) {
  test(`refused with a UsageError naming the flag: ${name}`, () => {
    assert.throws(() => parseBenchFlags(flags), (err: unknown) => err instanceof UsageError && message.test(err.message));
  });
}

test('bench-all flags: defaults, --only, and refusals', () => {
  const d = parseBenchAllFlags({});
  assert.equal(d.memoryWrites, 1_000_000);
  assert.equal(d.failovers, 10);
  assert.equal(d.catchUpWrites, 10_000);
  assert.equal(d.catchUps, 5);
  assert.equal(parseBenchAllFlags({ catchUps: '3' }).catchUps, 3);
  assert.throws(() => parseBenchAllFlags({ catchUps: '0' }), /--catch-ups/);
  assert.deepEqual(parseBenchAllFlags({ only: 'seq,failover' }).only, ['seq', 'failover']);
  assert.equal(parseBenchAllFlags({ memoryWrites: '200000' }).memoryWrites, 200_000);
  assert.throws(() => parseBenchAllFlags({ only: 'seq,bogus' }), /--only: expected a comma list/);
  assert.throws(() => parseBenchAllFlags({ failovers: '0' }), /--failovers/);
});

test('bench-all: the first load on the fresh cluster warms up at least FIRST_WARMUP_MS, the others as asked, 0 stays 0', () => {
  const o = parseBenchAllFlags({});
  assert.equal(loadOptions(o, 'write', 'proxy', 1, true).warmupMs, FIRST_WARMUP_MS);
  assert.equal(loadOptions(o, 'write', 'proxy', 1, false).warmupMs, o.warmupMs);
  assert.equal(loadOptions(parseBenchAllFlags({ warmup: '20s' }), 'read', 'proxy', 64, true).warmupMs, 20_000);
  assert.equal(loadOptions(parseBenchAllFlags({ warmup: '0' }), 'write', 'leader', 64, true).warmupMs, 0);
});

test('median: odd and even counts, unsorted input, none', () => {
  assert.equal(median([300, 100, 200]), 200);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('through the CLI: each bad flag is one line on stderr and exit code 2, nothing on stdout', () => {
  for (const args of [['--clients', '0'], ['--workload', 'scan'], ['--duration', '5'], ['--failover', '2', '--target', 'leader']]) {
    const r = spawnSync(process.execPath, [CLI, 'bench', ...args], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, `bench ${args.join(' ')}: exit ${r.status}, stderr ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `bench ${args.join(' ')}: expected one line, got ${JSON.stringify(r.stderr)}`);
    assert.match(lines[0] as string, /^raft-sup: --/);
  }
});

test('through the CLI: --attach with no cluster in --dir is one line and exit 2', () => {
  const r = spawnSync(process.execPath, [CLI, 'bench', '--attach', '--dir', '/nonexistent/raft-sup-bench-dir'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /no cluster is running in \/nonexistent\/raft-sup-bench-dir/);
});
