// Flags → config: every mistake is one clear UsageError naming the flag; unsafe doors are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeConfigFromFlags, parseMembers } from '../../src/node/index.js';
import { proxyConfigFromFlags } from '../../src/proxy/index.js';
import { UsageError, createLogger, renderLine } from '../../src/shared/index.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './helpers.js';

const base = { id: '1', port: '5001', peers: '1=http://127.0.0.1:5001,2=http://127.0.0.1:5002,3=http://127.0.0.1:5003', dataDir: '/tmp/x' };

function usage(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UsageError, `expected UsageError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

test('defaults: loopback, 25 ms ticks, election 10 ticks, heartbeat 2 ticks, snapshot every 10,000', () => {
  const c = nodeConfigFromFlags(base);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.tickMs, 25);
  assert.equal(c.electionTicks, 10);
  assert.equal(c.heartbeatTicks, 2);
  assert.equal(c.snapshotEvery, 10_000);
  assert.deepEqual([...c.peers.keys()], [1, 2, 3]);
});

test('bad flags are refused with a message naming the flag', () => {
  usage(() => nodeConfigFromFlags({ ...base, id: undefined }), /--id is required/);
  usage(() => nodeConfigFromFlags({ ...base, id: 'one' }), /--id: expected an integer/);
  usage(() => nodeConfigFromFlags({ ...base, id: '4' }), /must include this node's own id 4/);
  usage(() => nodeConfigFromFlags({ ...base, port: '70000' }), /--port: expected 0\.\.65535/);
  usage(() => nodeConfigFromFlags({ ...base, peers: '1=localhost:5001' }), /--peers/);
  usage(() => nodeConfigFromFlags({ ...base, peers: '1=http://a:1,1=http://b:2' }), /appears twice/);
  usage(() => nodeConfigFromFlags({ ...base, peers: 'x' }), /is not id=url/);
  usage(() => nodeConfigFromFlags({ ...base, heartbeatTicks: '10' }), /--heartbeat-ticks \(10\) must be smaller than --election-ticks/);
  usage(() => nodeConfigFromFlags({ ...base, logLevel: 'loud' }), /--log-level/);
});

test('a non-loopback host without a token is refused; a token from the flag or RAFT_SUP_TOKEN allows it', () => {
  usage(() => nodeConfigFromFlags({ ...base, host: '0.0.0.0' }), /--host 0\.0\.0\.0 is reachable from other machines: set a token/);
  assert.equal(nodeConfigFromFlags({ ...base, host: '0.0.0.0', token: 'long-enough-token' }).token, 'long-enough-token');
  assert.equal(nodeConfigFromFlags({ ...base, host: '0.0.0.0' }, { RAFT_SUP_TOKEN: 'from-the-environment' }).token, 'from-the-environment');
  usage(() => nodeConfigFromFlags({ ...base, token: 'short' }), /at least 8/);
  usage(() => proxyConfigFromFlags({ port: '5000', nodes: base.peers, host: '10.0.0.5' }), /set a token/);
});

test('parseMembers normalises URLs and sorts ids', () => {
  assert.deepEqual([...parseMembers('3=http://h:3/,1=http://h:1')], [[1, 'http://h:1'], [3, 'http://h:3']]);
});

test('the logger writes readable lines to stdout and warnings/errors, structured, to the errors file', async () => {
  const tmp = await tempDir();
  try {
    const lines: string[] = [];
    const file = join(tmp.dir, 'logs', 'node-1.errors.log');
    const log = createLogger({ bindings: { node: 1 }, errorFile: file, out: { write: (l: string) => lines.push(l) } });
    log.info({ term: 3 }, 'became leader in term 3');
    log.warn({ peer: 2 }, 'peer node 2 unreachable: ECONNREFUSED');
    assert.deepEqual(lines, ['became leader in term 3 term=3\n', 'WARN peer node 2 unreachable: ECONNREFUSED peer=2\n']);
    const recorded = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(recorded.length, 1, 'only the warning reaches the errors file');
    assert.equal(recorded[0]?.node, 1);
    assert.equal(recorded[0]?.peer, 2);
    assert.equal(renderLine({ level: 50, msg: 'boom', err: { message: 'x' } }), 'ERROR boom err="x"\n');
  } finally {
    await tmp.cleanup();
  }
});

test('a data directory serves one node process at a time; a stale lock (dead pid) is taken over', async () => {
  const { lockDataDir } = await import('../../src/node/data-dir-lock.js');
  const { spawn } = await import('node:child_process');
  const { writeFile } = await import('node:fs/promises');
  const tmp = await tempDir();
  try {
    const release = await lockDataDir(tmp.dir);
    await assert.rejects(lockDataDir(tmp.dir), (err: unknown) => err instanceof UsageError && /in use by another node process/.test(err.message));
    await release();
    // A lock held by a process that has exited is stale.
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.once('exit', r));
    await writeFile(join(tmp.dir, 'node.lock'), `${child.pid}\n`);
    const again = await lockDataDir(tmp.dir);
    await again();
  } finally {
    await tmp.cleanup();
  }
});
