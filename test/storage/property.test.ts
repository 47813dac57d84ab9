// Random sequences of save / createSnapshot / snapshot install / crash (with and without a batch in
// flight) / reopen: after every restart the recovered state must equal a simple in-memory model of
// what was acknowledged. Replay a failure with STORAGE_PROP_SEED=<seed> (printed on failure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Entry, HardState, RaftRestoreState, Snapshot } from '../../src/raft/index.js';
import { openStorage, SimulatedCrashError, StorageFaults, type CrashTail, type RaftStorage } from '../../src/storage/index.js';

interface Model {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  readonly logStart: { readonly index: number; readonly term: number };
  readonly entries: readonly Entry[];
}

const EMPTY: Model = { hardState: { term: 0, vote: 0, commit: 0 }, snapshot: null, logStart: { index: 0, term: 0 }, entries: [] };
const lastIndex = (m: Model): number => m.logStart.index + m.entries.length;
const termAt = (m: Model, i: number): number | undefined => (i === m.logStart.index ? m.logStart.term : m.entries[i - m.logStart.index - 1]?.term);
const snapIndex = (m: Model): number => m.snapshot?.meta.index ?? 0;
const maxTerm = (m: Model): number => Math.max(m.hardState.term, m.logStart.term, ...m.entries.map((e) => e.term));

type Batch = { hardState?: HardState; entries: Entry[]; snapshot?: Snapshot };

function modelSave(m: Model, b: Batch): Model {
  let { logStart, entries, snapshot } = m;
  if (b.snapshot) {
    snapshot = b.snapshot;
    logStart = { index: b.snapshot.meta.index, term: b.snapshot.meta.term };
    entries = [];
  }
  const first = b.entries[0];
  if (first) entries = [...entries.slice(0, first.index - logStart.index - 1), ...b.entries];
  return { hardState: b.hardState ?? m.hardState, snapshot, logStart, entries };
}

function modelCreateSnapshot(m: Model, s: Snapshot, to: { index: number; term: number }): Model {
  const snapshot = s.meta.index > snapIndex(m) || !m.snapshot ? s : m.snapshot;
  if (to.index <= m.logStart.index) return { ...m, snapshot };
  const entries = to.index >= lastIndex(m) ? [] : m.entries.slice(to.index - m.logStart.index);
  return { ...m, snapshot, logStart: { index: to.index, term: to.term }, entries };
}

/** The snapshot file became durable but the WAL record did not: what start-up reconciliation yields. */
function modelSnapshotOnly(m: Model, s: Snapshot): Model {
  if (termAt(m, s.meta.index) === s.meta.term) return { ...m, snapshot: s };
  return { ...m, snapshot: s, logStart: { index: s.meta.index, term: s.meta.term }, entries: [] };
}

const SAMPLES = ['', 'a', 'héllo wörld', '🌍', '\ud800lone', '{"op":"put","key":"k","value":"v"}', 'x'.repeat(60)];

interface Op {
  readonly kind: 'save' | 'snapshot' | 'install' | 'crash' | 'crash-mid-save' | 'crash-mid-install' | 'crash-mid-snapshot' | 'reopen';
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly tail: CrashTail;
}

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom<Op['kind']>('save', 'save', 'save', 'save', 'snapshot', 'install', 'crash', 'crash-mid-save', 'crash-mid-install', 'crash-mid-snapshot', 'reopen'),
  a: fc.nat(1000),
  b: fc.nat(1000),
  c: fc.nat(1000),
  tail: fc.constantFrom<CrashTail>('drop', 'tear', 'zeros'),
});

/** A Raft-shaped batch: appends at the end, or a conflict above the snapshot (committed entries never change). */
function genBatch(m: Model, op: Op): Batch {
  const last = lastIndex(m);
  const floor = Math.max(m.logStart.index, snapIndex(m));
  const conflict = last > floor && op.b % 4 === 0;
  const first = conflict ? floor + 1 + (op.c % (last - floor)) : last + 1;
  const term = conflict ? maxTerm(m) + 1 : Math.max(1, termAt(m, first - 1) ?? 1);
  const count = 1 + (op.a % 6);
  const entries: Entry[] = Array.from({ length: count }, (_, i) => ({
    term,
    index: first + i,
    type: (op.a + i) % 7 === 0 ? 'noop' : 'normal',
    data: (op.a + i) % 7 === 0 ? '' : `${SAMPLES[(op.b + i) % SAMPLES.length]}#${first + i}`,
  }));
  const b: Batch = { entries };
  if (op.c % 3 === 0) b.hardState = { term: Math.max(term, m.hardState.term), vote: op.a % 4, commit: Math.min(last, floor + (op.b % 5)) };
  return b;
}

function genSnapshot(index: number, term: number, op: Op): Snapshot {
  return { meta: { index, term, voters: [1, 2, 3] }, data: `kv-state@${index}:${SAMPLES[op.c % SAMPLES.length]}`.repeat(1 + (op.b % 3)) };
}

function genInstall(m: Model, op: Op): Batch {
  const index = snapIndex(m) + 1 + (op.a % Math.max(1, lastIndex(m) - snapIndex(m) + 5));
  const term = maxTerm(m) + (op.b % 2);
  const snapshot = genSnapshot(index, Math.max(term, 1), op);
  const entries: Entry[] = op.c % 2 === 0 ? [{ term: Math.max(term, 1), index: index + 1, type: 'normal', data: `after-install#${index + 1}` }] : [];
  return { snapshot, entries, hardState: { term: Math.max(term, 1, m.hardState.term), vote: 0, commit: index } };
}

/** Snapshot of applied state at S (above the current snapshot, within the log), compacting a little below S. */
function genCreate(m: Model, op: Op): { snap: Snapshot; to: { index: number; term: number } } | undefined {
  const last = lastIndex(m);
  const lo = Math.max(snapIndex(m), m.logStart.index);
  if (last <= lo) return undefined;
  const s = lo + 1 + (op.a % (last - lo));
  const c = Math.max(m.logStart.index, s - (op.b % 6));
  return { snap: genSnapshot(s, termAt(m, s) as number, op), to: { index: c, term: termAt(m, c) as number } };
}

function recovered(r: RaftRestoreState): Model {
  return { hardState: r.hardState, snapshot: r.snapshot ?? null, logStart: r.logStart ?? { index: 0, term: 0 }, entries: r.entries };
}

async function runCase(ops: readonly Op[], seed: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'raft-sup-storage-prop-'));
  const faults = new StorageFaults({ seed });
  const openIt = (): Promise<RaftStorage> => openStorage({ dir, nodeId: 1, clusterId: 'prop', segmentBytes: 256, faults });
  let s = await openIt();
  let m = EMPTY;
  const restartAndCheck = async (candidates: Model[], what: string): Promise<void> => {
    s = await openIt();
    const got = recovered(s.initial);
    const match = candidates.find((c) => isDeepEqual(c, got));
    if (!match) assert.deepEqual(got, candidates[candidates.length - 1], `after ${what}: recovered state matches none of ${candidates.length} acceptable states`);
    m = match ?? m;
  };
  try {
    for (const [i, op] of ops.entries()) {
      const what = `op ${i} (${op.kind})`;
      if (op.kind === 'save') {
        const b = genBatch(m, op);
        await s.save(b);
        m = modelSave(m, b);
      } else if (op.kind === 'install') {
        const b = genInstall(m, op);
        await s.save(b);
        m = modelSave(m, b);
      } else if (op.kind === 'snapshot') {
        const g = genCreate(m, op);
        if (!g) continue;
        await s.createSnapshot(g.snap, g.to);
        m = modelCreateSnapshot(m, g.snap, g.to);
      } else if (op.kind === 'reopen') {
        await s.close();
        await restartAndCheck([m], what);
      } else if (op.kind === 'crash') {
        await faults.crash({ tail: op.tail });
        await restartAndCheck([m], what);
      } else {
        // A batch or snapshot is in flight when the machine dies: the old state, the new one, or (for
        // snapshots) the snapshot file without its WAL record are all acceptable; anything else is not.
        let candidates: Model[];
        let pending: Promise<unknown>;
        if (op.kind === 'crash-mid-save') {
          const b = genBatch(m, op);
          faults.holdSyncs();
          pending = s.save(b).then(() => undefined, (e: unknown) => e);
          candidates = [m, modelSave(m, b)];
        } else if (op.kind === 'crash-mid-install') {
          const b = genInstall(m, op);
          faults.holdSyncs((p) => p.endsWith('.log'));
          pending = s.save(b).then(() => undefined, (e: unknown) => e);
          candidates = [m, modelSnapshotOnly(m, b.snapshot as Snapshot), modelSave(m, b)];
        } else {
          const g = genCreate(m, op);
          if (!g || g.to.index <= m.logStart.index) continue; // no WAL record to interrupt
          faults.holdSyncs((p) => p.endsWith('.log'));
          pending = s.createSnapshot(g.snap, g.to).then(() => undefined, (e: unknown) => e);
          candidates = [m, modelSnapshotOnly(m, g.snap), modelCreateSnapshot(m, g.snap, g.to)];
        }
        await Promise.race([
          faults.whenSyncHeld(),
          pending.then(() => assert.fail(`${what}: the operation completed without waiting for an fsync`)),
        ]);
        await faults.crash({ tail: op.tail });
        assert.ok((await pending) instanceof SimulatedCrashError, `${what}: the interrupted operation must not report success`);
        await restartAndCheck(candidates, what);
      }
    }
    await s.close();
    await restartAndCheck([m], 'the final reopen');
    await s.close();
  } finally {
    await s.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

test('recovered state always equals the model of acknowledged operations (random save/snapshot/crash/reopen sequences)', async () => {
  const seed = Number(process.env.STORAGE_PROP_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const numRuns = Number(process.env.STORAGE_PROP_RUNS ?? 40);
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), fc.nat(), (ops, faultSeed) => runCase(ops, faultSeed)),
      { seed, numRuns },
    );
  } catch (e) {
    console.error(`storage property failed: seed=${seed} — replay with STORAGE_PROP_SEED=${seed} node --test dist/test/storage/property.test.js`);
    throw e;
  }
});
