import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entry } from '../../src/raft/index.js';
import { CodecError, decodeRecord, encodeBatch, encodeCompact, encodeHeader } from '../../src/storage/codec.js';
import { isTornTail, readFrame } from '../../src/storage/frame.js';

function decodeOne(frame: Buffer): ReturnType<typeof decodeRecord> {
  const fr = readFrame(frame, 0);
  assert.ok(!('bad' in fr), 'bad' in fr ? fr.bad : '');
  assert.equal(fr.end, frame.length);
  return decodeRecord(fr.type, frame, fr.start, fr.end);
}

test('a batch record round-trips entries (UTF-8, lone surrogates, noops, empty data), reset and hard state', () => {
  const entries: Entry[] = [
    { term: 3, index: 2 ** 40, type: 'normal', data: 'plain' },
    { term: 3, index: 2 ** 40 + 1, type: 'noop', data: '' },
    { term: 2 ** 33, index: 2 ** 40 + 2, type: 'normal', data: 'ünïcödé 🌍 \udc00 \ud83c' },
  ];
  const rec = { reset: { index: 7, term: 2 }, hardState: { term: 9, vote: 3, commit: 5 }, entries };
  assert.deepEqual(decodeOne(encodeBatch(rec)), { kind: 'batch', ...rec });
  assert.deepEqual(decodeOne(encodeBatch({ entries: [] })), { kind: 'batch', entries: [] });
});

test('header and compact records round-trip', () => {
  const h = { seq: 12, hardState: { term: 4, vote: 2, commit: 100 }, logStart: { index: 90, term: 3 }, lastIndex: 120 };
  assert.deepEqual(decodeOne(encodeHeader(h)), { kind: 'header', ...h });
  assert.deepEqual(decodeOne(encodeCompact({ index: 5, term: 1 })), { kind: 'compact', logStart: { index: 5, term: 1 } });
});

test('any flipped bit makes a frame invalid', () => {
  const frame = encodeBatch({ entries: [{ term: 1, index: 1, type: 'normal', data: 'hello' }] });
  for (let byte = 0; byte < frame.length; byte++) {
    for (let bit = 0; bit < 8; bit++) {
      const copy = Buffer.from(frame);
      copy[byte] = (copy[byte] as number) ^ (1 << bit);
      assert.ok('bad' in readFrame(copy, 0), `flip of bit ${bit} in byte ${byte} went unnoticed`);
    }
  }
});

test('zero bytes are never a valid frame, and a CRC-valid payload with trailing garbage is a codec error', () => {
  assert.ok('bad' in readFrame(Buffer.alloc(64), 0));
  const frame = encodeCompact({ index: 1, term: 1 });
  assert.throws(() => decodeRecord(frame.readUInt8(4), frame, 9, frame.length - 1), CodecError);
});

test('torn-tail detection: trailing zeroes or a partial record are torn; a bad record followed by a good one is not', () => {
  const a = encodeBatch({ entries: [{ term: 1, index: 1, type: 'normal', data: 'aaaa' }] });
  const b = encodeBatch({ entries: [{ term: 1, index: 2, type: 'normal', data: 'bbbb' }] });
  assert.ok(isTornTail(Buffer.concat([a, Buffer.alloc(100)]), a.length));
  assert.ok(isTornTail(Buffer.concat([a, b.subarray(0, b.length - 3)]), a.length));
  const damaged = Buffer.from(a);
  damaged[12] = (damaged[12] as number) ^ 1;
  assert.equal(isTornTail(Buffer.concat([damaged, b]), 0), false);
  const badLength = Buffer.from(a);
  badLength.writeUInt32LE(1_000_000, 0);
  assert.equal(isTornTail(Buffer.concat([badLength, b]), 0), false);
});
