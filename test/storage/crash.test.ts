import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectWal, openStorage, SimulatedCrashError, StorageCorruptionError, StorageFaults, type RaftStorage } from '../../src/storage/index.js';
import { logSink, makeEntries, open, tempDir } from './helpers.js';

const snap = (index: number, term: number) => ({ meta: { index, term, voters: [1, 2, 3] }, data: `state@${index}` });

/** Start a save, let its write land, and crash before its fdatasync completes. */
async function crashDuringSave(faults: StorageFaults, s: RaftStorage, batch: Parameters<RaftStorage['save']>[0], tail: 'drop' | 'tear' | 'zeros'): Promise<void> {
  faults.holdSyncs();
  const pending = s.save(batch).then(() => undefined, (e: unknown) => e); // handled before the crash rejects it
  await Promise.race([faults.whenSyncHeld(), pending.then(() => assert.fail('the save completed without waiting for an fsync'))]);
  assert.ok(faults.unsyncedBytes() > 0, 'the batch reached the page cache');
  await faults.crash({ tail });
  assert.ok((await pending) instanceof SimulatedCrashError, 'the interrupted save never resolves as durable');
}

test('every acknowledged batch survives a crash that drops unsynced data; the unacknowledged one may vanish', async (t) => {
  const dir = await tempDir(t);
  const faults = new StorageFaults({ seed: 7 });
  const s = await open(t, dir, { faults, segmentBytes: 256 });
  for (let i = 1; i <= 20; i++) await s.save({ hardState: { term: 2, vote: 1, commit: i - 1 }, entries: makeEntries(i, 1, 2) });
  await crashDuringSave(faults, s, { hardState: { term: 3, vote: 2, commit: 20 }, entries: makeEntries(21, 5, 3) }, 'drop');
  const r = await open(t, dir, { faults, segmentBytes: 256 });
  assert.deepEqual(r.initial.entries, makeEntries(1, 20, 2));
  assert.deepEqual(r.initial.hardState, { term: 2, vote: 1, commit: 19 });
  await assert.rejects(s.save({ entries: makeEntries(21, 1, 2) }), /failed earlier/, 'the crashed instance refuses further work');
});

test('a crash before a new segment reaches the directory loses only the unacknowledged batch', async (t) => {
  const dir = await tempDir(t);
  const faults = new StorageFaults({ seed: 8 });
  const s = await open(t, dir, { faults, segmentBytes: 128 });
  await s.save({ entries: makeEntries(1, 6, 1) }); // fills the first segment
  await crashDuringSave(faults, s, { entries: makeEntries(7, 1, 1) }, 'tear'); // this one rolls
  assert.equal((await readdir(dir)).filter((n) => n.endsWith('.log')).length, 1, 'the unsynced segment file is gone');
  const r = await open(t, dir, { faults, segmentBytes: 128 });
  assert.deepEqual(r.initial.entries, makeEntries(1, 6, 1));
  await r.save({ entries: makeEntries(7, 1, 1) });
  await r.close();
  assert.deepEqual((await open(t, dir, { segmentBytes: 128 })).initial.entries, makeEntries(1, 7, 1));
});

for (const tail of ['tear', 'zeros'] as const) {
  test(`a ${tail === 'tear' ? 'half-written' : 'zero-filled'} last record is cut off, the original kept as .broken, and the node starts`, async (t) => {
    const dir = await tempDir(t);
    const faults = new StorageFaults({ seed: 11 });
    const s = await open(t, dir, { faults });
    await s.save({ hardState: { term: 1, vote: 1, commit: 0 }, entries: makeEntries(1, 3, 1) });
    await crashDuringSave(faults, s, { entries: makeEntries(4, 50, 1, 'x'.repeat(40)) }, tail);
    const seg = join(dir, 'wal-0000000000000001.log');
    const tornSize = (await readFile(seg)).length;
    const sink = logSink();
    const r = await open(t, dir, { faults, log: sink.log });
    assert.deepEqual(r.initial.entries, makeEntries(1, 3, 1));
    const warn = sink.lines.find((l) => l.level === 'warn');
    assert.match(warn?.msg ?? '', /torn tail in .*wal-0000000000000001\.log at byte \d+/);
    assert.equal((await readFile(`${seg}.broken`)).length, tornSize, 'the damaged original is kept aside');
    assert.ok((await readFile(seg)).length < tornSize);
    await r.save({ entries: makeEntries(4, 1, 1) });
    await r.close();
    assert.deepEqual((await open(t, dir)).initial.entries, makeEntries(1, 4, 1), 'appends after the repair replay cleanly');
  });
}

test('a flipped bit in an older record is refused with the file and byte offset of that record', async (t) => {
  const dir = await tempDir(t);
  const faults = new StorageFaults();
  const s = await open(t, dir, { faults });
  for (let i = 1; i <= 5; i++) await s.save({ entries: makeEntries(i, 1, 1) });
  await s.close();
  const rec = (await inspectWal(dir)).find((r) => r.entries?.first === 2);
  assert.ok(rec);
  await faults.flipBit(rec.file, rec.offset + 20, 3);
  await assert.rejects(openStorage({ dir, nodeId: 1, clusterId: 'test', faults }), (e: unknown) => {
    assert.ok(e instanceof StorageCorruptionError);
    assert.equal(e.file, rec.file);
    assert.equal(e.offset, rec.offset);
    assert.match(e.message, /CRC mismatch .*, with valid records after it/);
    return true;
  });
});

test('a flipped bit in a record length (not just its payload) is still refused, not mistaken for a torn tail', async (t) => {
  const dir = await tempDir(t);
  const faults = new StorageFaults();
  const s = await open(t, dir, { faults });
  for (let i = 1; i <= 5; i++) await s.save({ entries: makeEntries(i, 1, 1) });
  await s.close();
  const rec = (await inspectWal(dir)).find((r) => r.entries?.first === 3);
  assert.ok(rec);
  await faults.flipBit(rec.file, rec.offset + 2, 7); // length becomes ~8 MiB: runs past the end of the file
  await assert.rejects(openStorage({ dir, nodeId: 1, clusterId: 'test', faults }), (e: unknown) => e instanceof StorageCorruptionError && e.offset === rec.offset);
});

test('damage in a sealed (non-final) segment is refused even at its very end', async (t) => {
  const dir = await tempDir(t);
  const faults = new StorageFaults();
  const s = await open(t, dir, { faults, segmentBytes: 200 });
  for (let i = 1; i <= 20; i++) await s.save({ entries: makeEntries(i, 1, 1) });
  await s.close();
  const recs = await inspectWal(dir);
  const firstFile = recs[0]?.file;
  const lastOfFirst = recs.filter((r) => r.file === firstFile).at(-1);
  assert.ok(lastOfFirst && recs.at(-1)?.file !== firstFile);
  await faults.flipBit(lastOfFirst.file, lastOfFirst.offset + lastOfFirst.bytes - 1);
  await assert.rejects(openStorage({ dir, nodeId: 1, clusterId: 'test', faults, segmentBytes: 200 }), (e: unknown) => e instanceof StorageCorruptionError && e.file === firstFile && /sealed segment/.test(e.message));
});

test('a missing middle segment is refused', async (t) => {
  const dir = await tempDir(t);
  const s = await open(t, dir, { segmentBytes: 200 });
  for (let i = 1; i <= 20; i++) await s.save({ entries: makeEntries(i, 1, 1) });
  await s.close();
  const { unlink } = await import('node:fs/promises');
  await unlink(join(dir, 'wal-0000000000000002.log'));
  await assert.rejects(openStorage({ dir, nodeId: 1, clusterId: 'test', segmentBytes: 200 }), /segment 2 is missing/);
});

test('a crash between the installed snapshot file and its WAL record adopts the snapshot consistently', async (t) => {
  const dir = await tempDir(t);
  const faults = new StorageFaults({ seed: 3 });
  const s = await open(t, dir, { faults });
  await s.save({ hardState: { term: 1, vote: 1, commit: 2 }, entries: makeEntries(1, 5, 1) });
  // The snapshot file is made durable (fsync, rename, dir fsync) before the WAL record: hold only the WAL's sync.
  faults.holdSyncs((path) => path.endsWith('.log'));
  const pending = s.save({ hardState: { term: 4, vote: 0, commit: 40 }, snapshot: snap(40, 4), entries: makeEntries(41, 1, 4) }).then(() => undefined, (e: unknown) => e);
  await faults.whenSyncHeld();
  await faults.crash();
  assert.ok((await pending) instanceof SimulatedCrashError);
  const r = await open(t, dir, { faults });
  assert.deepEqual(r.initial.snapshot, snap(40, 4));
  assert.deepEqual(r.initial.logStart, { index: 40, term: 4 }, 'the old log (1..5) cannot continue the snapshot');
  assert.deepEqual(r.initial.entries, []);
  assert.deepEqual(r.initial.hardState, { term: 1, vote: 1, commit: 2 }, 'the hard state of the unacknowledged batch is not claimed');
  await r.save({ entries: makeEntries(41, 1, 4) });
  await r.close();
  const again = await open(t, dir, { faults });
  assert.deepEqual(again.initial.entries, makeEntries(41, 1, 4), 'later appends build on the adopted snapshot');
});

test('files created or removed without a directory fsync revert at a crash (the fault layer itself)', async (t) => {
  const dir = await tempDir(t);
  const faults = new StorageFaults();
  const fs = faults.wrap((await import('../../src/storage/fs.js')).nodeFs);
  const f = await fs.create(join(dir, 'a'), true);
  await f.write(Buffer.from('hello'), 0);
  await f.sync();
  await f.close();
  await fs.syncDir(dir);
  const g = await fs.create(join(dir, 'b'), true);
  await g.write(Buffer.from('synced file, unsynced name'), 0);
  await g.sync();
  await g.close();
  await fs.remove(join(dir, 'a'));
  await faults.crash();
  assert.deepEqual((await readdir(dir)).sort(), ['a']);
  assert.equal(await readFile(join(dir, 'a'), 'utf8'), 'hello');
});

test('damage confined to the very last record looks like a torn write and is cut off (a known limit of any WAL)', async (t) => {
  const dir = await tempDir(t);
  const faults = new StorageFaults();
  const s = await open(t, dir, { faults });
  for (let i = 1; i <= 3; i++) await s.save({ entries: makeEntries(i, 1, 1) });
  await s.close();
  const last = (await inspectWal(dir)).at(-1);
  assert.ok(last?.entries?.first === 3);
  await faults.flipBit(last.file, last.offset + last.bytes - 1);
  const sink = logSink();
  const r = await open(t, dir, { faults, log: sink.log });
  assert.deepEqual(r.initial.entries, makeEntries(1, 2, 1));
  assert.ok(sink.lines.some((l) => l.level === 'warn' && l.msg.includes(`at byte ${last.offset}`)));
});
