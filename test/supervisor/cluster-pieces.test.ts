// The supervisor's pure pieces: cluster shape and child command lines, partition groups, status
// merging (lag, leader choice, crashed rows), signal parsing, the stored-log reader.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childSpecs, portsOf, resolveClusterSpec, saveCluster, validateClusterSpec, type ClusterSpec } from '../../src/supervisor/cluster-spec.js';
import { mergeStatus, type StatusChild } from '../../src/supervisor/cluster-status.js';
import { SupervisorError } from '../../src/supervisor/errors.js';
import { clusterLogPath, lineMatches, readClusterLog } from '../../src/supervisor/log-files.js';
import { describeGroups, faultsForPartition, partitionGroups } from '../../src/supervisor/network-faults.js';
import { OutputTail } from '../../src/supervisor/output-tail.js';
import { assertPortsFree, freePort } from '../../src/supervisor/port-check.js';
import { parseSignal } from '../../src/supervisor/signals.js';
import { TargetError, type TargetProcess } from '../../src/supervisor/targets.js';
import type { ChildSnapshot } from '../../src/supervisor/child-process.js';
import type { NodeStatus } from '../../src/shared/index.js';
import { createServer } from 'node:net';

const tmp = mkdtempSync(join(tmpdir(), 'raft-sup-pieces-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const usage = (re: RegExp) => (e: unknown): boolean => e instanceof SupervisorError && re.test(e.message);

describe('cluster spec', () => {
  test('defaults to 3 nodes on 5001..5003 and the proxy on 5000; children get --lifeline and --enable-faults', () => {
    const spec = resolveClusterSpec({ dir: join(tmp, 'fresh') });
    assert.deepEqual([spec.nodes, spec.basePort, spec.proxyPort], [3, 5001, 5000]);
    assert.deepEqual(portsOf(spec), [
      { port: 5001, name: 'node-1' }, { port: 5002, name: 'node-2' }, { port: 5003, name: 'node-3' }, { port: 5000, name: 'proxy' },
    ]);
    const kids = childSpecs(spec, '/x/main.js');
    assert.deepEqual(kids.map((k) => k.name), ['node-1', 'node-2', 'node-3', 'proxy']);
    const n2 = kids[1]?.args ?? [];
    assert.ok(n2.includes('--lifeline') && n2.includes('--enable-faults'));
    assert.deepEqual(n2.slice(0, n2.indexOf('/x/child-launch.js')), ['--optimize-for-size'], 'node processes run the child launcher beside the CLI, runtime flags before it');
    assert.equal(n2[n2.indexOf('/x/child-launch.js') + 1], 'node');
    const proxyArgs = kids[3]?.args ?? [];
    assert.deepEqual(proxyArgs.slice(0, 2), ['/x/child-launch.js', 'proxy']);
    assert.ok(kids.every((k) => k.warm === undefined), 'no warm spares unless asked for');
    const warm = childSpecs(spec, '/x/main.js', undefined, { warmSpares: true });
    assert.deepEqual(warm[1]?.warm?.args, ['--optimize-for-size', '/x/child-launch.js', '--await-args', 'node-2', spec.dir]);
    assert.deepEqual(warm[1]?.warm?.send, n2.slice(n2.indexOf('node')), 'a spare is sent exactly the arguments a node is started with');
    assert.equal(warm[3]?.warm, undefined, 'the proxy has no spare');
    assert.equal(n2[n2.indexOf('--port') + 1], '5002');
    assert.equal(n2[n2.indexOf('--peers') + 1], '1=http://127.0.0.1:5001,2=http://127.0.0.1:5002,3=http://127.0.0.1:5003');
    assert.equal(n2[n2.indexOf('--data-dir') + 1], join(spec.dir, 'node-2'));
    assert.ok((kids[3]?.args ?? []).includes('--lifeline'));
  });

  test('rejects bad shapes with the flag name', () => {
    const base: ClusterSpec = { nodes: 3, basePort: 5001, proxyPort: 5000, dir: tmp, host: '127.0.0.1', nodeArgs: [] };
    assert.throws(() => validateClusterSpec({ ...base, nodes: 0 }), usage(/^--nodes: expected an integer 1\.\.9/));
    assert.throws(() => validateClusterSpec({ ...base, proxyPort: 5002 }), usage(/--proxy-port 5002 collides with the node ports 5001\.\.5003/));
    assert.throws(() => validateClusterSpec({ ...base, basePort: 65_535 }), usage(/--base-port/));
  });

  test('a dir remembers its node count; a different --nodes is refused with the way out', () => {
    const dir = join(tmp, 'saved');
    saveCluster(validateClusterSpec({ nodes: 5, basePort: 7001, proxyPort: 7000, dir, host: '127.0.0.1', nodeArgs: [] }));
    const again = resolveClusterSpec({ dir });
    assert.deepEqual([again.nodes, again.basePort, again.proxyPort], [5, 7001, 7000]);
    assert.equal(resolveClusterSpec({ dir, basePort: 8001 }).basePort, 8001);
    assert.throws(() => resolveClusterSpec({ dir, nodes: 3 }), usage(/holds the data of a 5-node cluster.*--nodes 5.*down --wipe/));
  });

  test('a busy port is named with the process that needs it and the flag to change', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1' }, r));
    const busy = (server.address() as { port: number }).port;
    try {
      const spec = validateClusterSpec({ nodes: 3, basePort: busy - 1, proxyPort: await freePort(), dir: tmp, host: '127.0.0.1', nodeArgs: [] });
      await assert.rejects(assertPortsFree(spec), usage(new RegExp(`^port ${busy} is already in use \\(needed for node-2\\); choose another with --base-port$`)));
      const spec2 = validateClusterSpec({ nodes: 1, basePort: await freePort(), proxyPort: busy, dir: tmp, host: '127.0.0.1', nodeArgs: [] });
      await assert.rejects(assertPortsFree(spec2), usage(/needed for proxy\); choose another with --proxy-port/));
    } finally {
      server.close();
    }
  });
});

const procs: TargetProcess[] = [
  { name: 'node-1', kind: 'node', id: 1, role: 'follower', term: 2 },
  { name: 'node-2', kind: 'node', id: 2, role: 'leader', term: 2 },
  { name: 'node-3', kind: 'node', id: 3, role: 'follower', term: 2 },
  { name: 'node-4', kind: 'node', id: 4, role: 'follower', term: 2 },
  { name: 'node-5', kind: 'node', id: 5, role: 'follower', term: 2 },
  { name: 'proxy', kind: 'proxy' },
];

describe('partition groups', () => {
  test('named groups, and unnamed nodes together as one more group', () => {
    assert.deepEqual(partitionGroups(['1,2', '3'], procs), [[1, 2], [3], [4, 5]]);
    assert.deepEqual(partitionGroups(['leader'], procs), [[2], [1, 3, 4, 5]]);
    assert.deepEqual(partitionGroups(['node-5', 'followers'], procs.map((p) => (p.id === 5 ? { ...p, role: 'candidate' } : p))), [[5], [1, 3, 4], [2]]);
  });

  test('overlaps, the proxy, and a single group are refused', () => {
    assert.throws(() => partitionGroups(['1,2', '2,3'], procs), (e: unknown) => e instanceof TargetError && /node 2 is in two groups/.test(e.message));
    assert.throws(() => partitionGroups(['proxy'], procs), (e: unknown) => e instanceof TargetError && /proxy is not a node/.test(e.message));
    assert.throws(() => partitionGroups(['all'], procs), (e: unknown) => e instanceof TargetError && /at least two groups/.test(e.message));
    assert.throws(() => partitionGroups(['9'], procs), (e: unknown) => e instanceof TargetError && /no node has id 9/.test(e.message));
  });

  test('each node drops both directions to every node outside its group', () => {
    const f = faultsForPartition([[1, 2], [3], [4, 5]]);
    assert.deepEqual(f.get(1), { dropTo: [3, 4, 5], dropFrom: [3, 4, 5] });
    assert.deepEqual(f.get(3), { dropTo: [1, 2, 4, 5], dropFrom: [1, 2, 4, 5] });
    assert.deepEqual(f.get(5), { dropTo: [1, 2, 3], dropFrom: [1, 2, 3] });
    assert.equal(describeGroups([[1, 2], [3]]), '{1,2} | {3}');
  });
});

describe('status merge', () => {
  const snap = (name: string, state: ChildSnapshot['state'], extra: Partial<ChildSnapshot> = {}): ChildSnapshot => ({
    name, pid: state === 'running' || state === 'paused' ? 1000 : null, state, desired: 'running', label: state, lastExit: null, starts: 1, startedAt: null, sparePid: null, ...extra,
  });
  const node = (id: number, role: NodeStatus['role'], term: number, commit: number, applied: number): NodeStatus => ({
    kind: 'node', id, url: `http://127.0.0.1:500${id}`, clusterId: 'c', role, term, vote: 0, leader: role === 'leader' ? { id, url: '' } : null,
    commitIndex: commit, appliedIndex: applied, lastLogIndex: applied, lastLogTerm: term, firstIndex: 1, snapshotIndex: 0, keys: 0, uptimeMs: 1,
  });
  const child = (id: number | null, s: ChildSnapshot): StatusChild => ({ snapshot: s, kind: id === null ? 'proxy' : 'node', id, url: 'u' });

  test('the newest-term leader leads; lag = leader commit − applied; crashed rows say how; paused rows are blank', () => {
    const children = [
      child(1, snap('node-1', 'running')),
      child(2, snap('node-2', 'running')),
      child(3, snap('node-3', 'running')),
      child(4, snap('node-4', 'crashed', { lastExit: { code: null, signal: 'SIGKILL', requested: true, escalated: false, at: new Date() }, sparePid: 4242 })),
      child(5, snap('node-5', 'paused')),
      child(null, snap('proxy', 'running')),
    ];
    const probes = new Map([
      ['node-1', node(1, 'leader', 3, 10, 10)], // an old leader cut off in term 3
      ['node-2', node(2, 'leader', 4, 12, 12)],
      ['node-3', node(3, 'follower', 4, 11, 9)],
    ]);
    const s = mergeStatus(children, probes, [[1], [2, 3, 4, 5]]);
    assert.equal(s.leader, 2);
    assert.equal(s.term, 4);
    assert.deepEqual(s.partition, [[1], [2, 3, 4, 5]]);
    assert.deepEqual(s.processes.map((p) => p.lag), [2, 0, 3, null, null, null]);
    assert.equal(s.processes[3]?.signal, 'SIGKILL');
    assert.equal(s.processes[3]?.sparePid, 4242, 'a down node shows its warm spare');
    assert.equal(s.processes[0]?.sparePid, undefined, 'rows without a spare have no sparePid');
    assert.equal(s.processes[4]?.role, null);
    assert.equal(s.processes[4]?.state, 'paused');
  });

  test('no leader → leader null and lag unknown', () => {
    const s = mergeStatus([child(1, snap('node-1', 'running'))], new Map([['node-1', node(1, 'candidate', 5, 3, 3)]]), null);
    assert.equal(s.leader, null);
    assert.equal(s.term, 5);
    assert.equal(s.processes[0]?.lag, null);
  });
});

describe('small parsers', () => {
  test('signals by name, short name or number; unknown ones are refused', () => {
    assert.equal(parseSignal('SIGTERM'), 'SIGTERM');
    assert.equal(parseSignal('kill'), 'SIGKILL');
    assert.equal(parseSignal('9'), 'SIGKILL');
    assert.equal(parseSignal('hup'), 'SIGHUP');
    assert.throws(() => parseSignal('NOPE'), usage(/--signal: unknown signal "NOPE"/));
    assert.throws(() => parseSignal('999'), usage(/unknown signal/));
  });

  test('output tail keeps the last lines, skipping blanks and joining partial chunks', () => {
    const t = new OutputTail(2);
    t.push('one\ntw');
    t.push('o\n\nthree\nfour');
    assert.deepEqual(t.last(), ['three', 'four']);
    assert.deepEqual(t.last(5), ['two', 'three', 'four']);
  });
});

describe('stored logs', () => {
  const dir = join(tmp, 'logs-cluster');
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const lines = ['12:00:01 node-1   │ hello', '12:00:01 node-2   │ hi', '12:00:02 raft-sup │ ready', '12:00:03 node-1   │ bye ✓'];
  writeFileSync(clusterLogPath(dir), `${lines.join('\n')}\n`);
  const sink = (): { out: { write: (t: string) => void }; text: () => string } => {
    let buf = '';
    return { out: { write: (t: string) => { buf += t; } }, text: () => buf };
  };

  test('filters by process name and keeps only the last N lines', async () => {
    assert.equal(lineMatches(lines[0] ?? '', new Set(['node-1'])), true);
    assert.equal(lineMatches(lines[1] ?? '', new Set(['node-1'])), false);
    const s = sink();
    await readClusterLog(dir, { names: new Set(['node-1']), out: s.out });
    assert.equal(s.text(), `${lines[0]}\n${lines[3]}\n`);
    const t = sink();
    await readClusterLog(dir, { names: null, out: t.out, tail: 1 });
    assert.equal(t.text(), `${lines[3]}\n`);
  });

  test('follow prints appended lines (even split mid-character) until aborted', async () => {
    const s = sink();
    const ac = new AbortController();
    const run = readClusterLog(dir, { names: new Set(['node-2']), out: s.out, follow: true, signal: ac.signal, tail: 0, pollMs: 10 });
    const bytes = Buffer.from('12:00:04 node-2   │ later ✓\n12:00:04 node-1   │ not me\n');
    const cut = bytes.indexOf(Buffer.from('✓')) + 1;
    appendFileSync(clusterLogPath(dir), bytes.subarray(0, cut));
    const deadline = Date.now() + 5000;
    await new Promise((r) => setTimeout(r, 50));
    appendFileSync(clusterLogPath(dir), bytes.subarray(cut));
    while (!s.text().includes('later') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await run;
    assert.equal(s.text(), '12:00:04 node-2   │ later ✓\n');
  });
});
