// End to end, through the real CLI, real node and proxy processes on ephemeral ports (issue 5):
// up -d → one leader → kill leader → new leader + a write → start the victim → it catches up;
// pause leader → new leader → resume → the old leader steps down; restart leader → no write fails;
// partition a minority → it cannot commit, the majority can; heal → all converge; SIGKILL the
// supervisor → children gone within 2 s; up again on the stale socket; down → nothing left.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KvClient, KvError } from '../../src/client/index.js';
import { isAlive } from '../../src/supervisor/process-group.js';
import { freePortBlock } from '../../src/supervisor/port-check.js';
import type { ClusterStatus } from '../../src/shared/status-table.js';
import { converged, TestCluster } from './cluster-helpers.js';
import { waitFor } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'rs-e2e-'));
let c: TestCluster;

before(async () => {
  const base = await freePortBlock(4);
  c = new TestCluster(join(tmp, 'c'), base, base + 3);
});

after(async () => {
  if (c !== undefined) {
    if (c.client.pid() !== null && isAlive(c.client.pid() ?? 0)) await c.run('down').catch(() => undefined);
    const left = c.killLeftovers();
    await c.proxy.close();
    rmSync(tmp, { recursive: true, force: true });
    assert.deepEqual(left, [], `processes left behind: ${left.join(', ')}`);
  } else {
    rmSync(tmp, { recursive: true, force: true });
  }
});

const nodeIdOf = (name: string): number => Number(/^node-(\d+)$/.exec(name)?.[1] ?? NaN);

describe('raft-sup up / status / faults / down (real processes)', { concurrency: false }, () => {
  test('up -d returns once a leader is elected and a write committed, and prints the table', async () => {
    const r = await c.run(...c.upArgs());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /cluster ready in [\d.]+ s/);
    assert.match(r.stderr, /waiting for a leader|writing through the proxy/, 'plain progress lines when not a TTY');
    assert.match(r.stdout, /^NAME\s+PID\s+STATE\s+ROLE/m);
    assert.match(r.stdout, /^node-\d\s+\d+\s+running\s+leader/m);
    assert.ok(existsSync(join(c.dir, 'supervisor.sock')));
  });

  test('a second up on the same dir says a cluster is running and how to stop it', async () => {
    const r = await c.run(...c.upArgs());
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), `raft-sup: a cluster is already running in ${c.dir} (pid ${c.client.pid()}); stop it with \`raft-sup down --dir ${c.dir}\``);
  });

  test('status --json shows exactly one leader, every process running, lag 0 on the leader', async () => {
    const s = await c.until((x) => x.leader !== null && x.processes.every((p) => p.state === 'running'), 'a leader and all processes running');
    const r = await c.run('status', '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as ClusterStatus;
    assert.deepEqual(j.processes.map((p) => [p.name, p.kind]), [['node-1', 'node'], ['node-2', 'node'], ['node-3', 'node'], ['proxy', 'proxy']]);
    const leaders = j.processes.filter((p) => p.role === 'leader');
    assert.equal(leaders.length, 1, r.stdout);
    assert.equal(j.leader, leaders[0]?.id);
    assert.equal(leaders[0]?.lag, 0);
    for (const p of j.processes) {
      assert.equal(p.state, 'running');
      assert.equal(typeof p.pid, 'number');
      assert.match(String(p.url), /^http:\/\/127\.0\.0\.1:\d+$/);
    }
    for (const key of ['term', 'commitIndex', 'appliedIndex', 'lastLogIndex', 'lag']) assert.ok(key in (leaders[0] ?? {}), key);
    assert.ok(s.term !== null && s.term >= 1);
  });

  let victim = 0;
  let victimTerm = 0;
  let writeIndex = 0;
  test('kill leader prints the victim; a new leader is elected and a write succeeds; the victim shows crashed (SIGKILL)', async () => {
    const r = await c.run('kill', 'leader');
    assert.equal(r.code, 0, r.stderr);
    const m = /^killed (node-\d) \(leader, term (\d+)\)$/m.exec(r.stdout);
    assert.ok(m, r.stdout);
    victim = nodeIdOf(m[1] ?? '');
    victimTerm = Number(m[2]);
    const s = await c.until((x) => x.leader !== null && x.leader !== victim && (x.term ?? 0) > victimTerm, 'a new leader in a newer term');
    assert.equal(c.row(s, victim).state, 'crashed');
    assert.equal(c.row(s, victim).signal, 'SIGKILL');
    writeIndex = await c.write('after-kill', 'v1');
    const table = await c.run('status');
    assert.match(table.stdout, new RegExp(`^node-${victim}\\s+-\\s+crashed \\(SIGKILL\\)`, 'm'));
  });

  test('start brings the victim back with its data, and it catches up (lag 0)', async () => {
    // A node that is down gets a warm spare a second later; start hands it the node's arguments.
    const down = await c.until((x) => c.row(x, victim).sparePid != null, `a warm spare for node-${victim}`);
    const spare = c.row(down, victim).sparePid;
    const r = await c.run('start', `node-${victim}`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^started node-${victim} \\(pid ${spare}\\)$`, 'm'), 'the spare became the node');
    assert.equal(c.row(await c.status(), victim).sparePid ?? null, null);
    await c.until((x) => {
      const row = c.row(x, victim);
      return row.state === 'running' && row.lag === 0 && (row.appliedIndex ?? 0) >= writeIndex;
    }, `node-${victim} caught up to index ${writeIndex}`);
    const direct = new KvClient(`http://127.0.0.1:${c.basePort + victim - 1}`, { timeoutMs: 3000 });
    try {
      assert.equal(await direct.get('after-kill', { consistency: 'stale' }), 'v1');
    } finally {
      await direct.close();
    }
  });

  test('pause leader → a new leader; resume → the old leader steps down to follower', async () => {
    const r = await c.run('pause', 'leader');
    assert.equal(r.code, 0, r.stderr);
    const m = /^paused (node-\d) \(leader, term (\d+)\)$/m.exec(r.stdout);
    assert.ok(m, r.stdout);
    const paused = nodeIdOf(m[1] ?? '');
    const during = await c.until((x) => x.leader !== null && x.leader !== paused, 'a new leader while the old one is paused');
    assert.equal(c.row(during, paused).state, 'paused');
    await c.write('during-pause', 'v2');
    const res = await c.run('resume', `node-${paused}`);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`^resumed node-${paused}$`, 'm'));
    await c.until((x) => {
      const row = c.row(x, paused);
      return row.state === 'running' && row.role === 'follower' && row.term === x.term && x.leader !== paused;
    }, `node-${paused} steps down and follows`);
  });

  test('restart leader hands leadership over first: concurrent writes through the proxy never fail', async () => {
    await c.until((x) => x.leader !== null && converged(x), 'a converged cluster before the restart');
    let stop = false;
    const failures: string[] = [];
    let ok = 0;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          await c.proxy.put(`restart-${i % 20}`, String(i), { timeoutMs: 10_000 });
          ok += 1;
        } catch (err) {
          failures.push(err instanceof KvError ? `${err.code}: ${err.message}` : String(err));
        }
      }
    })();
    try {
      await waitFor(() => ok >= 3, 10_000, 'the writer to get going');
      const r = await c.run('restart', 'leader');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^restarted node-\d \(leader, term \d+\), now pid \d+; leadership moved to node-\d first$/m);
      const before = ok;
      await waitFor(() => ok >= before + 3, 10_000, 'writes after the restart');
    } finally {
      stop = true;
      await writer;
    }
    assert.deepEqual(failures, [], 'no write may fail during a restart of the leader');
  });

  let minority = 0;
  test('partition a minority: it cannot commit, the majority can', async () => {
    const s0 = await c.until((x) => x.leader !== null, 'a leader');
    minority = s0.leader ?? 0; // cut off the leader itself: the harder case
    const majority = [1, 2, 3].filter((id) => id !== minority);
    const r = await c.run('partition', String(minority), majority.join(','));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^partitioned: \\{${minority}\\} \\| \\{${majority.join(',')}\\}`, 'm'));
    const s = await c.until((x) => x.leader !== null && majority.includes(x.leader), 'the majority to elect its own leader');
    assert.deepEqual(s.partition, [[minority], majority]);
    // The majority commits (through its leader directly, and through the proxy).
    const majorityLeader = new KvClient(`http://127.0.0.1:${c.basePort + (s.leader ?? 0) - 1}`, { timeoutMs: 5000 });
    const isolated = new KvClient(`http://127.0.0.1:${c.basePort + minority - 1}`, { timeoutMs: 4000 });
    try {
      await majorityLeader.put('majority', 'yes');
      await c.write('majority-proxy', 'yes');
      await assert.rejects(isolated.put('minority', 'no', { timeoutMs: 4000 }), (e: unknown) => e instanceof KvError, 'the minority must not commit');
      assert.equal(await isolated.get('minority', { consistency: 'stale' }), null);
    } finally {
      await majorityLeader.close();
      await isolated.close();
    }
  });

  test('heal: every node converges on one leader and the same commit index', async () => {
    const r = await c.run('heal');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^healed/m);
    const s = await c.until(converged, 'all nodes to converge after heal');
    assert.equal(s.partition, null);
    const node = new KvClient(`http://127.0.0.1:${c.basePort + minority - 1}`, { timeoutMs: 4000 });
    try {
      assert.equal(await node.get('majority', { consistency: 'stale' }), 'yes');
      assert.equal(await node.get('minority', { consistency: 'stale' }), null, 'the minority\'s uncommitted write is gone');
    } finally {
      await node.close();
    }
  });

  test('refusals against a live cluster are one line and exit 2; no-ops say so', async () => {
    const [unknown, proxyPart] = await Promise.all([c.run('kill', 'node-9'), c.run('isolate', 'proxy')]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^raft-sup: unknown target "node-9"; processes: node-1 \(id 1, \w+\), node-2 .*proxy; targets are/);
    assert.equal(proxyPart.code, 2);
    assert.match(proxyPart.stderr, /^raft-sup: proxy is not a node: a partition cuts node-to-node traffic/);
    for (const r of [unknown, proxyPart]) assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    const [noop] = await c.client.act('resume', '1');
    assert.equal(noop?.ok, true);
    assert.equal(noop?.message, 'node-1 is not paused (it is running)');
    await assert.rejects(c.client.partition(['all']), /at least two groups/);
  });

  test('logs TARGET shows that process\'s stored lines only', async () => {
    const r = await c.run('logs', 'node-1', '-n', '20');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.ok(lines.length > 0 && lines.length <= 20, r.stdout);
    for (const l of lines) assert.match(l, /^\d\d:\d\d:\d\d node-1\s+│ /);
  });

  test('SIGKILL the supervisor: every child exits within 2 s on its own (lifeline)', async () => {
    const s = await c.status();
    const sup = c.client.pid();
    assert.ok(sup !== null);
    const kids = s.processes.map((p) => p.pid).filter((p): p is number => p != null);
    assert.equal(kids.length, 4);
    const t0 = Date.now();
    process.kill(sup, 'SIGKILL');
    await waitFor(() => kids.every((p) => !isAlive(p)), 10_000, `children ${kids.join(', ')} to exit`);
    const ms = Date.now() - t0;
    assert.ok(ms <= 2000, `children took ${ms} ms to exit after the supervisor was SIGKILLed`);
  });

  test('with a stale socket: commands say no cluster is running; up replaces it and the data is intact', async () => {
    assert.ok(existsSync(join(c.dir, 'supervisor.sock')), 'the SIGKILLed supervisor left its socket');
    const st = await c.run('status');
    assert.equal(st.code, 2);
    assert.equal(st.stderr.trim(), `raft-sup: no cluster is running in ${c.dir}; start one with \`raft-sup up -d --dir ${c.dir}\``);
    const up = await c.run(...c.upArgs());
    assert.equal(up.code, 0, up.stderr);
    await c.status();
    assert.equal(await c.proxy.get('after-kill'), 'v1');
    assert.equal(await c.proxy.get('majority'), 'yes');
  });

  test('down stops everything: no process, no socket, no pid file', async () => {
    const s = await c.status();
    const pids = [...s.processes.map((p) => p.pid).filter((p): p is number => p != null), c.client.pid() ?? 0];
    const r = await c.run('down');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^stopped node-1, node-2, node-3, proxy and the supervisor \(pid \d+\)/);
    assert.deepEqual(pids.filter((p) => isAlive(p)), []);
    assert.equal(existsSync(join(c.dir, 'supervisor.sock')), false);
    assert.equal(existsSync(join(c.dir, 'supervisor.pid')), false);
    assert.ok(existsSync(join(c.dir, 'node-1')), 'data stays without --wipe');
    const wipe = await c.run('down', '--wipe');
    assert.equal(wipe.code, 0, wipe.stderr);
    assert.equal(existsSync(c.dir), false);
  });
});
