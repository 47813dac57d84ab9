// The driver against a scripted fake core: the order of a Ready (persist → send → apply → serve
// reads → advance), nothing stepped into the core mid-Ready, the durability-promising messages held
// until the fsync, rule 18 (an entry of another term at our index = LEADERSHIP_LOST, indefinite),
// read batching, and the definite answers given before anything is proposed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entry, Message, Ready, Snapshot } from '../../src/raft/index.js';
import type { ProposeResult, RaftStatus } from '../../src/raft/index.js';
import type { KvResult } from '../../src/kv/index.js';
import { NodeDriver } from '../../src/node/index.js';
import type { DriverStorage, RaftCore, StateMachine, Transport } from '../../src/node/index.js';
import { ApiError, createLogger } from '../../src/shared/index.js';
import { waitFor } from './helpers.js';

class FakeCore implements RaftCore {
  readies: Ready[] = [];
  inReady = false;
  violations: string[] = [];
  stepped: Message[] = [];
  readCtxs: string[] = [];
  role: RaftStatus['role'] = 'leader';
  leader = 1;
  nextIndex = 1;
  term = 1;
  applied = 0;
  #guard(op: string): void {
    if (this.inReady) this.violations.push(op);
  }
  tick(): void { this.#guard('tick'); }
  step(m: Message): void { this.#guard('step'); this.stepped.push(m); }
  propose(_data: string): ProposeResult {
    this.#guard('propose');
    if (this.role !== 'leader') return { ok: false, reason: 'not-leader', leader: this.leader };
    return { ok: true, index: this.nextIndex++, term: this.term };
  }
  readIndex(ctx: string): void { this.#guard('readIndex'); this.readCtxs.push(ctx); }
  transferLeadership(): boolean { return false; }
  peerStarted(): void {}
  campaign(): void {}
  hasReady(): boolean { return this.readies.length > 0; }
  ready(): Ready {
    this.#guard('ready');
    this.inReady = true;
    return this.readies.shift() as Ready;
  }
  advance(rd: Ready): void {
    this.inReady = false;
    const last = rd.committedEntries.at(-1);
    if (last) this.applied = last.index;
  }
  compact(_s: Snapshot, _c: number): void {}
  termAt(): number | undefined { return this.term; }
  status(): RaftStatus {
    return { id: 1, role: this.role, term: this.term, vote: 1, leader: this.leader, commit: this.applied, applied: this.applied, lastIndex: this.nextIndex - 1, lastTerm: this.term, firstIndex: 1, snapshotIndex: 0, transferee: 0 };
  }
}

class FakeSm implements StateMachine {
  data = new Map<string, string>();
  appliedIndex = 0;
  get size(): number { return this.data.size; }
  apply(e: Entry): KvResult | undefined {
    this.appliedIndex = e.index;
    if (e.type === 'noop') return undefined;
    const [, key, value] = JSON.parse(e.data) as [string, string, string];
    this.data.set(key, value);
    return { ok: true, op: 'put', key, value, index: e.index };
  }
  get(key: string): string | undefined { return this.data.get(key); }
  snapshot(): string { return '{}'; }
}

function setup(earlySend = true, save?: DriverStorage['save']) {
  const events: string[] = [];
  let releaseSave: (() => void) | undefined;
  const storage: DriverStorage = {
    save: save ?? (() => {
      events.push('save:start');
      return new Promise<void>((resolve) => {
        releaseSave = () => {
          events.push('save:done');
          resolve();
        };
      });
    }),
    createSnapshot: async () => undefined,
  };
  const transport: Transport = {
    send: (ms) => void events.push(`send:${ms.map((m) => m.type).join(',')}`),
    close: async () => undefined,
  };
  const core = new FakeCore();
  const sm = new FakeSm();
  const driver = new NodeDriver(
    { id: 1, voters: [1, 2, 3], tickMs: 1000, electionTick: 10, snapshotEvery: 0, snapshotKeep: 0, writeTimeoutMs: 2000, readTimeoutMs: 2000, earlySend, urlOf: (id) => `http://node-${id}` },
    { raft: core, sm, storage, transport, restoreStateMachine: () => new FakeSm(), log: createLogger({ level: 'silent' }), onFatal: (err) => events.push(`fatal:${String(err)}`) },
  );
  return { events, core, sm, driver, release: () => releaseSave?.() };
}

const app = (to: number): Message => ({ type: 'App', from: 1, to, term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [], commit: 0 });
const appResp = (to: number): Message => ({ type: 'AppResp', from: 1, to, term: 1, success: true, matchIndex: 1, rejectedIndex: 0, conflictTerm: 0, conflictIndex: 0 });
const voteResp = (to: number): Message => ({ type: 'VoteResp', from: 1, to, term: 1, granted: true });
const entry = (index: number, term: number, key: string, value: string): Entry => ({ index, term, type: 'normal', data: JSON.stringify(['p', key, value]) });
const ready = (r: Partial<Ready>): Ready => ({ entries: [], messages: [], committedEntries: [], readStates: [], readFailures: [], ...r });

test('appends leave before the fsync, vote grants and append acks only after it', async () => {
  const { events, core, driver, release } = setup(true);
  core.readies.push(ready({ hardState: { term: 1, vote: 2, commit: 0 }, entries: [entry(1, 1, 'a', '1')], messages: [app(2), voteResp(2), appResp(3), app(3)] }));
  driver.start();
  await waitFor('the save to start', () => events.includes('save:start'));
  assert.deepEqual(events, ['send:App,App', 'save:start']);
  // Messages arriving during the persist are queued, not stepped (the core is mid-Ready).
  driver.deliver([app(1)]);
  await new Promise((r) => setImmediate(r));
  assert.equal(core.stepped.length, 0);
  release();
  await waitFor('the late messages', () => events.length >= 4);
  assert.deepEqual(events, ['send:App,App', 'save:start', 'save:done', 'send:VoteResp,AppResp']);
  await waitFor('the queued message to be stepped after advance', () => core.stepped.length === 1);
  assert.deepEqual(core.violations, []);
  await driver.stop();
});

test('with early send off, every message waits for the fsync', async () => {
  const { events, core, driver, release } = setup(false);
  core.readies.push(ready({ entries: [entry(1, 1, 'a', '1')], messages: [app(2), appResp(3)] }));
  driver.start();
  await waitFor('the save to start', () => events.includes('save:start'));
  assert.deepEqual(events, ['save:start']);
  release();
  await waitFor('the messages', () => events.length === 3);
  assert.deepEqual(events, ['save:start', 'save:done', 'send:App,AppResp']);
  await driver.stop();
});

test('a write resolves when its entry is applied with the proposed term (rule 18)', async () => {
  const { core, driver } = setup();
  driver.start();
  const w = driver.propose(JSON.stringify(['p', 'k', 'v']));
  await waitFor('the proposal', () => core.nextIndex === 2);
  core.readies.push(ready({ committedEntries: [entry(1, 1, 'k', 'v')] }));
  driver.deliver([]); // wake the loop
  const r = await w;
  assert.deepEqual(r, { ok: true, op: 'put', key: 'k', value: 'v', index: 1 });
  await driver.stop();
});

test('another term at the proposed index answers LEADERSHIP_LOST, indefinite (rule 18)', async () => {
  const { core, driver } = setup();
  driver.start();
  const w = driver.propose(JSON.stringify(['p', 'k', 'mine']));
  await waitFor('the proposal', () => core.nextIndex === 2);
  core.readies.push(ready({ committedEntries: [entry(1, 2, 'k', 'someone-else')] }));
  driver.deliver([]);
  await assert.rejects(w, (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 'LEADERSHIP_LOST');
    assert.equal(err.definite, false);
    return true;
  });
  await driver.stop();
});

test('a write on a follower is refused before proposing: NOT_LEADER with the leader URL (definite)', async () => {
  const { core, driver } = setup();
  core.role = 'follower';
  core.leader = 3;
  driver.start();
  await assert.rejects(driver.propose('x'), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 'NOT_LEADER');
    assert.equal(err.status, 421);
    assert.equal(err.leader, 'http://node-3');
    assert.equal(err.definite, true);
    return true;
  });
  core.leader = 0;
  await assert.rejects(driver.propose('x'), (err: unknown) => err instanceof ApiError && err.code === 'NO_QUORUM' && err.definite);
  await driver.stop();
});

test('a proposed write that never commits times out as TIMEOUT, indefinite', async () => {
  const { core, driver } = setup();
  driver.start();
  const w = driver.propose('x', 400);
  await waitFor('the proposal', () => core.nextIndex === 2);
  await assert.rejects(w, (err: unknown) => err instanceof ApiError && err.code === 'TIMEOUT' && err.status === 504 && !err.definite);
  await driver.stop();
});

test('a write still queued when its deadline passes was never proposed: NO_QUORUM, definite', async () => {
  const { events, core, driver, release } = setup();
  core.readies.push(ready({ entries: [entry(1, 1, 'a', '1')] }));
  driver.start();
  await waitFor('the save to start', () => events.includes('save:start'));
  // The loop is blocked in the persist: the proposal waits in the inbox past its deadline.
  await assert.rejects(driver.propose('x', 50), (err: unknown) => err instanceof ApiError && err.code === 'NO_QUORUM' && err.definite);
  release();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(core.nextIndex, 1, 'the expired write was never handed to the core');
  await driver.stop();
});

test('reads arriving together share one ReadIndex and are served once the index is applied', async () => {
  const { core, sm, driver } = setup();
  sm.data.set('k', 'old');
  driver.start();
  const reads = [driver.read('k'), driver.read('k'), driver.read('missing')];
  await waitFor('one readIndex call', () => core.readCtxs.length === 1);
  const ctx = core.readCtxs[0] as string;
  // The read index is 1: not applied yet, so nothing is served until entry 1 is applied.
  core.readies.push(ready({ readStates: [{ ctx, index: 1 }] }));
  driver.deliver([]);
  let served = false;
  void Promise.all(reads).then(() => (served = true));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(served, false, 'not served before the read index is applied');
  core.readies.push(ready({ committedEntries: [entry(1, 1, 'k', 'new')] }));
  driver.deliver([]);
  assert.deepEqual(await Promise.all(reads), ['new', 'new', undefined]);
  assert.equal(core.readCtxs.length, 1);
  await driver.stop();
});

test('a failed read index answers NO_QUORUM', async () => {
  const { core, driver } = setup();
  driver.start();
  const r = driver.read('k');
  await waitFor('the readIndex call', () => core.readCtxs.length === 1);
  core.readies.push(ready({ readFailures: [{ ctx: core.readCtxs[0] as string, reason: 'no-leader' }] }));
  driver.deliver([]);
  await assert.rejects(r, (err: unknown) => err instanceof ApiError && err.code === 'NO_QUORUM');
  await driver.stop();
});

test('a storage failure is fatal: nothing promised is sent and the loop stops', async () => {
  const { events, core, driver } = setup(true, () => Promise.reject(new Error('disk on fire')));
  core.readies.push(ready({ entries: [entry(1, 1, 'a', '1')], messages: [app(2), appResp(3)] }));
  driver.start();
  await waitFor('the fatal report', () => events.some((e) => e.startsWith('fatal:')));
  assert.deepEqual(events, ['send:App', 'fatal:Error: disk on fire'], 'the append ack never leaves');
  assert.equal(core.inReady, true, 'advance() was not called');
  await driver.stop();
});
