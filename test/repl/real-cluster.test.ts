// The REPL against a real cluster: three `raft-sup node` processes and `raft-sup proxy` on
// ephemeral ports. Writes, reads, cas, leader and status through piped input; then the leader is
// killed and a write typed right after still succeeds (the original failed it outright).
import { freePort } from '../../src/supervisor/port-check.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { MAIN, childEnv, runCli, tempDir } from './cli.js';

const dir = tempDir();
const children = new Map<string, ChildProcess>();
let nodeUrls: string[] = [];
let proxyUrl = '';


function startChild(name: string, args: string[]): void {
  // Own process group (killed as a group), and --lifeline: the child exits if this test dies.
  const child = spawn(process.execPath, [MAIN, ...args, '--lifeline', '--log-level', 'warn'], { stdio: ['pipe', 'ignore', 'ignore'], env: childEnv(), detached: true });
  child.stdin?.on('error', () => undefined);
  children.set(name, child);
}

function killChild(name: string): Promise<void> {
  const child = children.get(name);
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
  return gone;
}

async function proxyLeader(deadlineMs: number): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  let last = '';
  for (;;) {
    try {
      const res = await fetch(`${proxyUrl}/status`, { signal: AbortSignal.timeout(1000) });
      const s = await res.json() as { leader: { id: number } | null };
      if (s.leader !== null) return s.leader.id;
      last = JSON.stringify(s);
    } catch (err) {
      last = String(err);
    }
    if (Date.now() > deadline) throw new Error(`no leader within ${deadlineMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
  nodeUrls = ports.slice(0, 3).map((p) => `http://127.0.0.1:${p}`);
  proxyUrl = `http://127.0.0.1:${ports[3]}`;
  const peers = nodeUrls.map((u, i) => `${i + 1}=${u}`).join(',');
  nodeUrls.forEach((_, i) => startChild(`node-${i + 1}`, ['node', '--id', String(i + 1), '--port', String(ports[i]), '--peers', peers, '--data-dir', join(dir.path, `node-${i + 1}`)]));
  startChild('proxy', ['proxy', '--port', String(ports[3]), '--nodes', peers]);
  await proxyLeader(20_000);
});

after(async () => {
  await Promise.all([...children.keys()].map(killChild));
  dir.remove();
});

test('put, get, cas, del, leader and status through the proxy, piped', async () => {
  const r = await runCli(['client', '--url', proxyUrl, '--dir', dir.path, '--timeout', '15s'], {
    stdin: 'put greeting "hola mundo"\nget greeting\ncas greeting "hola mundo" adiós\nget greeting\nget greeting --stale\ncas fresh - 1\ndel fresh\nleader\nstatus\n',
  });
  assert.equal(r.code, 0, r.stdout);
  const out = r.stdout.split('\n');
  assert.match(out[0] ?? '', /^OK greeting = "hola mundo" \(index \d+\) {2}· http:\/\/127\.0\.0\.1:\d+ · /);
  assert.match(out[1] ?? '', /^greeting = "hola mundo" {2}· /);
  assert.match(out[2] ?? '', /^OK greeting: "hola mundo" → "adiós" /);
  assert.match(out[3] ?? '', /^greeting = "adiós" {2}· /, 'a linearizable read sees the CAS');
  // A stale read is one node's local state: the follower that serves it may not have applied the CAS yet.
  assert.match(out[4] ?? '', /^greeting = "(adiós|hola mundo)" {2}· /);
  assert.match(out[5] ?? '', /^OK fresh: \(absent\) → "1" /);
  assert.match(out[6] ?? '', /^OK fresh deleted /);
  assert.match(out[7] ?? '', /^leader: node-[123] http:\/\/127\.0\.0\.1:\d+ · term \d+/);
  assert.match(r.stdout, /^proxy\s+-\s+running/m);
  for (const n of [1, 2, 3]) assert.match(r.stdout, new RegExp(`^node-${n}\\s+-\\s+running\\s+(leader|follower)`, 'm'));
});

test('a write typed right after the leader is killed succeeds (retried within the deadline)', async () => {
  const leader = await proxyLeader(5000);
  await killChild(`node-${leader}`);
  const r = await runCli(['client', '--url', proxyUrl, '--timeout', '15s'], { stdin: 'put after-crash 1\nget after-crash\nleader\n' });
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /^OK after-crash = "1"/);
  assert.match(r.stdout, /\nafter-crash = "1"/);
  const now = /leader: node-(\d)/.exec(r.stdout);
  assert.notEqual(Number(now?.[1]), leader, r.stdout);
});

test('a node URL works too: a write sent to a follower is redirected to the leader that served it', async () => {
  const leader = await proxyLeader(5000);
  const alive = (c: ChildProcess | undefined): boolean => c !== undefined && c.exitCode === null && c.signalCode === null;
  const follower = [1, 2, 3].find((id) => id !== leader && alive(children.get(`node-${id}`))) as number;
  const r = await runCli(['put', 'via-node', 'x', '--timeout', '15s', '--url', nodeUrls[follower - 1] as string]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`· ${nodeUrls[leader - 1]} · `));
});
