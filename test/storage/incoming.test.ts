import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { StorageFaults } from '../../src/storage/index.js';
import { makeEntries, open, tempDir } from './helpers.js';

const tempFiles = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((n) => n.startsWith('incoming-'));

test('a chunked snapshot is assembled from Buffers split mid-character, then installed atomically', async (t) => {
  const dir = await tempDir(t);
  const s = await open(t, dir);
  await s.save({ entries: makeEntries(1, 3, 1) });
  const data = JSON.stringify({ kv: { café: 'naïve ☕', emoji: '🌍🌍🌍' }, filler: 'z'.repeat(5000) });
  const bytes = Buffer.from(data, 'utf8');
  const inc = s.beginIncomingSnapshot('from-2-term-5');
  for (let off = 0; off < bytes.length; off += 7) await inc.write(off, bytes.subarray(off, off + 7)); // 7 splits multi-byte chars
  await inc.write(0, bytes.subarray(0, 7)); // a retransmitted chunk is harmless
  assert.deepEqual(await tempFiles(dir), ['incoming-from-2-term-5.tmp'], 'assembled on disk, not in memory');
  const full = await inc.finish();
  assert.equal(full, data);
  assert.deepEqual(await tempFiles(dir), [], 'the temp file is gone once handed over');
  await s.save({ snapshot: { meta: { index: 100, term: 5, voters: [1, 2, 3] }, data: full }, entries: [] });
  await s.close();
  const r = await open(t, dir);
  assert.equal(r.initial.snapshot?.data, data);
  assert.deepEqual(r.initial.logStart, { index: 100, term: 5 });
});

test('abort leaves nothing behind and the stored state is untouched', async (t) => {
  const dir = await tempDir(t);
  const s = await open(t, dir);
  await s.save({ entries: makeEntries(1, 2, 1) });
  const inc = s.beginIncomingSnapshot('x');
  await inc.write(0, Buffer.from('partial'));
  await inc.abort();
  await inc.abort();
  assert.deepEqual(await tempFiles(dir), []);
  await assert.rejects(inc.write(7, Buffer.from('more')), /already finished or aborted/);
  await s.close();
  const r = await open(t, dir);
  assert.equal(r.initial.snapshot, undefined);
  assert.deepEqual(r.initial.entries, makeEntries(1, 2, 1));
});

test('a crash mid-transfer leaves only a temp file, removed at the next open', async (t) => {
  const dir = await tempDir(t);
  const faults = new StorageFaults();
  const s = await open(t, dir, { faults });
  await s.save({ entries: makeEntries(1, 2, 1) });
  const inc = s.beginIncomingSnapshot('y');
  await inc.write(0, Buffer.from('half a snapshot'));
  await faults.crash();
  await open(t, dir, { faults });
  assert.deepEqual(await tempFiles(dir), []);
});

test('gaps, bad ids and invalid UTF-8 are refused with clear errors', async (t) => {
  const s = await open(t, await tempDir(t));
  assert.throws(() => s.beginIncomingSnapshot('../escape'), /incoming snapshot id must be/);
  const inc = s.beginIncomingSnapshot('z');
  await inc.write(0, Buffer.from('abc'));
  await assert.rejects(inc.write(10, Buffer.from('def')), /leaves a gap: 3 bytes received/);
  await inc.write(3, Buffer.from([0xff, 0xfe]));
  await assert.rejects(inc.finish(), /not valid UTF-8/);
});
