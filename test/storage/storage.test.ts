import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStorage, StorageCorruptionError, StorageIdentityError, EXIT_CORRUPT_STORAGE } from '../../src/storage/index.js';
import { makeEntries, open, tempDir } from './helpers.js';

const snap = (index: number, term: number, data = `state@${index}`) => ({ meta: { index, term, voters: [1, 2, 3] }, data });

test('a fresh directory opens empty and records its identity', async (t) => {
  const dir = join(await tempDir(t), 'node-1');
  const s = await open(t, dir);
  assert.deepEqual(s.initial, { hardState: { term: 0, vote: 0, commit: 0 }, logStart: { index: 0, term: 0 }, entries: [] });
  const id = JSON.parse(await readFile(join(dir, 'identity.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(id.nodeId, 1);
  assert.equal(id.clusterId, 'test');
  assert.equal(EXIT_CORRUPT_STORAGE, 3);
});

test('saved entries and hard state come back after a clean restart', async (t) => {
  const dir = await tempDir(t);
  const s = await open(t, dir);
  await s.save({ hardState: { term: 1, vote: 1, commit: 0 }, entries: makeEntries(1, 3, 1) });
  await s.save({ hardState: { term: 1, vote: 1, commit: 3 }, entries: [{ term: 1, index: 4, type: 'noop', data: '' }] });
  await s.save({ entries: [{ term: 1, index: 5, type: 'normal', data: 'héllo 🌍 \ud800 lone surrogate' }] });
  await s.close();
  const r = await open(t, dir);
  assert.deepEqual(r.initial.hardState, { term: 1, vote: 1, commit: 3 });
  assert.deepEqual(r.initial.entries, [...makeEntries(1, 3, 1), { term: 1, index: 4, type: 'noop', data: '' }, { term: 1, index: 5, type: 'normal', data: 'héllo 🌍 \ud800 lone surrogate' }]);
});

test('each save costs exactly one fdatasync however many entries it carries (group commit)', async (t) => {
  const s = await open(t, await tempDir(t));
  const before = s.stats().fsyncs;
  await s.save({ hardState: { term: 1, vote: 1, commit: 0 }, entries: makeEntries(1, 256, 1) });
  assert.equal(s.stats().fsyncs - before, 1);
  await s.save({ entries: [] });
  assert.equal(s.stats().fsyncs - before, 1, 'an empty batch writes nothing');
});

test('a directory of another node id or cluster is refused', async (t) => {
  const dir = await tempDir(t);
  await (await openStorage({ dir, nodeId: 1, clusterId: 'alpha' })).close();
  await assert.rejects(openStorage({ dir, nodeId: 2, clusterId: 'alpha' }), (e: unknown) => e instanceof StorageIdentityError && /node 1 of cluster "alpha"/.test(e.message));
  await assert.rejects(openStorage({ dir, nodeId: 1, clusterId: 'beta' }), StorageIdentityError);
});

test('a directory holding WAL data but no identity file is refused', async (t) => {
  const dir = await tempDir(t);
  const s = await openStorage({ dir, nodeId: 1, clusterId: 'alpha' });
  await s.save({ entries: makeEntries(1, 1, 1) });
  await s.close();
  await writeFile(join(dir, 'identity.json'), '{oops');
  await assert.rejects(openStorage({ dir, nodeId: 1, clusterId: 'alpha' }), StorageCorruptionError);
  const { unlink } = await import('node:fs/promises');
  await unlink(join(dir, 'identity.json'));
  await assert.rejects(openStorage({ dir, nodeId: 1, clusterId: 'alpha' }), /no identity\.json/);
});

test('bad options are refused with a message naming the option', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(openStorage({ dir, nodeId: 0, clusterId: 'c' }), /"nodeId" must be a positive integer, received 0/);
  await assert.rejects(openStorage({ dir, nodeId: 1, clusterId: '' }), /"clusterId"/);
  await assert.rejects(openStorage({ dir: '', nodeId: 1, clusterId: 'c' }), /"dir"/);
  await assert.rejects(openStorage({ dir, nodeId: 1, clusterId: 'c', segmentBytes: 10 }), /"segmentBytes"/);
});

test('entries starting at or below the last index truncate the conflicting suffix (and replay does the same)', async (t) => {
  const dir = await tempDir(t);
  const s = await open(t, dir, { segmentBytes: 256 });
  await s.save({ entries: makeEntries(1, 10, 1) });
  await s.save({ hardState: { term: 2, vote: 2, commit: 4 }, entries: makeEntries(6, 2, 2, 'new') });
  await s.save({ entries: makeEntries(8, 1, 2, 'new') });
  await s.close();
  const r = await open(t, dir, { segmentBytes: 256 });
  assert.deepEqual(r.initial.entries, [...makeEntries(1, 5, 1), ...makeEntries(6, 3, 2, 'new')]);
});

test('a malformed batch is refused before any I/O and does not poison the storage', async (t) => {
  const dir = await tempDir(t);
  const s = await open(t, dir);
  await s.save({ entries: makeEntries(1, 2, 1) });
  await assert.rejects(s.save({ entries: makeEntries(4, 1, 1) }), /gap after the last index 2/);
  await assert.rejects(s.save({ entries: [...makeEntries(3, 1, 1), ...makeEntries(5, 1, 1)] }), /contiguous/);
  await assert.rejects(s.save({ hardState: { term: -1, vote: 0, commit: 0 }, entries: [] }), /hardState\.term/);
  await s.save({ entries: makeEntries(3, 1, 1) });
  await s.close();
  assert.deepEqual((await open(t, dir)).initial.entries, makeEntries(1, 3, 1));
});

test('the WAL rolls into new segments and every segment replays', async (t) => {
  const dir = await tempDir(t);
  const s = await open(t, dir, { segmentBytes: 200 });
  for (let i = 1; i <= 30; i++) await s.save({ hardState: { term: 1, vote: 1, commit: i - 1 }, entries: makeEntries(i, 1, 1) });
  assert.ok(s.stats().segments > 5, `expected many segments, got ${s.stats().segments}`);
  await s.close();
  const r = await open(t, dir, { segmentBytes: 200 });
  assert.deepEqual(r.initial.entries, makeEntries(1, 30, 1));
  assert.deepEqual(r.initial.hardState, { term: 1, vote: 1, commit: 29 });
});

test('createSnapshot drops segments below the compaction point but keeps the trailing window', async (t) => {
  const dir = await tempDir(t);
  const s = await open(t, dir, { segmentBytes: 300 });
  for (let i = 1; i <= 100; i += 5) await s.save({ hardState: { term: 1, vote: 1, commit: i + 4 }, entries: makeEntries(i, 5, 1) });
  const before = s.stats();
  await s.createSnapshot(snap(90, 1), { index: 80, term: 1 });
  const after = s.stats();
  assert.ok(after.segments < before.segments, `segments ${before.segments} -> ${after.segments}`);
  assert.ok(after.walBytes < before.walBytes);
  assert.equal(after.snapshotIndex, 90);
  await s.close();
  const r = await open(t, dir, { segmentBytes: 300 });
  assert.deepEqual(r.initial.logStart, { index: 80, term: 1 });
  assert.deepEqual(r.initial.entries, makeEntries(81, 20, 1), 'the window 81..100 survives');
  assert.deepEqual(r.initial.snapshot, snap(90, 1));
  assert.deepEqual(r.initial.hardState, { term: 1, vote: 1, commit: 100 });
});

test('repeated snapshots keep only the latest two snapshot files and a bounded WAL', async (t) => {
  const dir = await tempDir(t);
  const s = await open(t, dir, { segmentBytes: 1024 });
  let maxWal = 0;
  for (let round = 1; round <= 20; round++) {
    const base = (round - 1) * 50;
    for (let i = 1; i <= 50; i += 10) await s.save({ entries: makeEntries(base + i, 10, 1) });
    await s.createSnapshot(snap(base + 50, 1), { index: base + 40, term: 1 });
    if (round > 2) maxWal = Math.max(maxWal, s.stats().walBytes);
  }
  const snaps = (await readdir(dir)).filter((n) => n.endsWith('.snap')).sort();
  assert.deepEqual(snaps, ['snapshot-1000-1.snap', 'snapshot-950-1.snap']);
  assert.ok(maxWal < 4096, `WAL stays bounded, peaked at ${maxWal} bytes`);
  await s.close();
  const r = await open(t, dir, { segmentBytes: 1024 });
  assert.deepEqual(r.initial.logStart, { index: 990, term: 1 });
  assert.deepEqual(r.initial.entries, makeEntries(991, 10, 1));
});

test('a snapshot delivered in a Ready batch resets the log to start after it', async (t) => {
  const dir = await tempDir(t);
  const s = await open(t, dir, { segmentBytes: 256 });
  await s.save({ hardState: { term: 1, vote: 1, commit: 3 }, entries: makeEntries(1, 12, 1) });
  await s.save({ hardState: { term: 3, vote: 0, commit: 50 }, snapshot: snap(50, 3), entries: makeEntries(51, 2, 3) });
  assert.equal(s.stats().snapshotIndex, 50);
  await s.close();
  const r = await open(t, dir, { segmentBytes: 256 });
  assert.deepEqual(r.initial.logStart, { index: 50, term: 3 });
  assert.deepEqual(r.initial.entries, makeEntries(51, 2, 3));
  assert.deepEqual(r.initial.snapshot, snap(50, 3));
  assert.deepEqual(r.initial.hardState, { term: 3, vote: 0, commit: 50 });
  assert.equal(r.stats().segments, 1, 'segments from before the install are deleted');
});

test('an older snapshot than the one stored is refused as a programmer error', async (t) => {
  const s = await open(t, await tempDir(t));
  await s.save({ snapshot: snap(10, 2), entries: [] });
  await assert.rejects(s.save({ snapshot: snap(5, 2), entries: [] }), /already holds snapshot 10\/2/);
  await assert.rejects(s.createSnapshot(snap(20, 2), { index: 21, term: 2 }), /above the snapshot index/);
});

test('a corrupt latest snapshot is refused, naming the file', async (t) => {
  const dir = await tempDir(t);
  const s = await open(t, dir);
  await s.save({ entries: makeEntries(1, 10, 1) });
  await s.createSnapshot(snap(8, 1, 'x'.repeat(1000)), { index: 5, term: 1 });
  await s.close();
  const path = join(dir, 'snapshot-8-1.snap');
  const buf = await readFile(path);
  buf[buf.length - 10] = (buf[buf.length - 10] as number) ^ 4;
  await writeFile(path, buf);
  await assert.rejects(openStorage({ dir, nodeId: 1, clusterId: 'test' }), (e: unknown) => e instanceof StorageCorruptionError && e.file === path && /data CRC mismatch/.test(e.message));
});

test('closed storage refuses further work with a clear error', async (t) => {
  const s = await open(t, await tempDir(t));
  await s.close();
  await assert.rejects(s.save({ entries: makeEntries(1, 1, 1) }), /is closed/);
  await s.close();
});
