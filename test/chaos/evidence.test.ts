// The Raft evidence a chaos run gathers after the fact, and the anomaly names on its failures.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkLinearizable, checkRaftInvariants, type Operation } from '../../src/check/index.js';
import { classifyFailure, commitEvents, leaderEvents } from '../../src/chaos/index.js';
import { NODE_DEFAULTS } from '../../src/node/index.js';
import type { Entry } from '../../src/raft/index.js';
import { openStorage } from '../../src/storage/index.js';

describe('raft evidence from node logs and data dirs', () => {
  let dir = '';
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'rs-chaos-evidence-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('reads every "became leader" line; two leaders in one term are a violation', async () => {
    const logs = join(dir, 'logs');
    await mkdir(logs, { recursive: true });
    await writeFile(join(logs, 'node-1.log'), 'started\nbecame leader in term 1 term=1\nstepped down in term 2 (now follower)\nbecame leader in term 3 term=3\n');
    await writeFile(join(logs, 'node-2.log'), 'became leader in term 2 term=2\nbecame leader in term 3 term=3\n');
    const { events, notes } = await leaderEvents(logs, [1, 2, 3]);
    assert.deepEqual(events.map((e) => `${e.node}:${e.type === 'leader' ? e.term : ''}`), ['node-1:1', 'node-1:3', 'node-2:2', 'node-2:3']);
    assert.match(notes.join(), /node-3: no log file/);
    assert.deepEqual(checkRaftInvariants(events).violations, ['term 3 has 2 leaders: node-1, node-2']);
  });

  it('turns each node\'s durable entries up to its commit index into commit events; a divergent entry is a violation', async () => {
    const entries = (data: string[]): Entry[] => data.map((d, i) => ({ term: 1, index: i + 1, type: 'normal', data: d }));
    const write = async (id: number, data: string[], commit: number): Promise<void> => {
      const s = await openStorage({ dir: join(dir, `node-${id}`), nodeId: id, clusterId: NODE_DEFAULTS.clusterId });
      await s.save({ hardState: { term: 1, vote: 1, commit }, entries: entries(data) });
      await s.close();
    };
    await write(1, ['a', 'b', 'c', 'd'], 3);
    await write(2, ['a', 'b', 'X', 'd'], 4); // index 3 differs from node-1's committed entry
    const { events, counts, notes } = await commitEvents(dir, [1, 2, 4]);
    assert.deepEqual(counts, { 'node-1': 3, 'node-2': 4 });
    assert.match(notes.join(), /node-4: could not read its log/);
    const v = checkRaftInvariants(events).violations;
    assert.equal(v.length, 1);
    assert.match(v[0] ?? '', /^index 3 committed differently: node-1 has term 1 "normal:[0-9a-f]+", node-2 has term 1 "normal:[0-9a-f]+"$/);
  });
});

describe('anomaly names', () => {
  const op = (o: Partial<Operation> & Pick<Operation, 'id' | 'kind' | 'invoke' | 'complete'>): Operation => ({ client: o.id, key: 'k', outcome: 'ok', ...o });

  it('a read of a value that had been overwritten before it began is a stale read, naming the write it missed', () => {
    const h = [
      op({ id: 0, kind: 'put', value: 'a', invoke: 0, complete: 10 }),
      op({ id: 1, kind: 'put', value: 'b', invoke: 20, complete: 30 }),
      op({ id: 2, kind: 'get', value: 'a', invoke: 40, complete: 50, node: 'node-3' }),
    ];
    const f = checkLinearizable(h).failures[0];
    assert.ok(f);
    const a = classifyFailure(f, h);
    assert.equal(a.kind, 'stale-read');
    assert.equal(a.missed?.id, 1);
    assert.equal(a.headline, 'stale read: op 2 (get by client 2 via node-3) returned "a" although op 1 (put "b", client 1) had replaced it 10 ms before the read began');
  });

  it('a read of "absent" after a write is stale too; a value nobody wrote is an impossible read', () => {
    const h1 = [op({ id: 0, kind: 'put', value: 'a', invoke: 0, complete: 10 }), op({ id: 1, kind: 'get', value: null, invoke: 20, complete: 30 })];
    const f1 = checkLinearizable(h1).failures[0];
    assert.ok(f1);
    assert.equal(classifyFailure(f1, h1).kind, 'stale-read');
    const h2 = [op({ id: 0, kind: 'put', value: 'a', invoke: 0, complete: 10 }), op({ id: 1, kind: 'get', value: 'zzz', invoke: 20, complete: 30 })];
    const f2 = checkLinearizable(h2).failures[0];
    assert.ok(f2);
    assert.equal(classifyFailure(f2, h2).kind, 'impossible-read');
  });
});
