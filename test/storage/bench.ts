// Storage benchmark (a script, not a test): `npx tsc -p tsconfig.json && node dist/test/storage/bench.js [--quick]`.
// Appends/s with group commit, fsyncs per write under 64 concurrent clients, start-up time with a
// 100,000-entry log and with a 100,000-key snapshot, disk use under repeated snapshots, codec choice.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Entry } from '../../src/raft/index.js';
import { openStorage, type RaftStorage } from '../../src/storage/index.js';
import { decodeRecord, encodeBatch } from '../../src/storage/codec.js';
import { readFrame } from '../../src/storage/frame.js';

const quick = process.argv.includes('--quick');
const ENTRY_DATA = 'x'.repeat(100);

function entries(first: number, n: number, term = 1): Entry[] {
  return Array.from({ length: n }, (_, i) => ({ term, index: first + i, type: 'normal' as const, data: ENTRY_DATA }));
}

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'raft-sup-bench-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const openAt = (dir: string, segmentBytes?: number): Promise<RaftStorage> =>
  openStorage({ dir, nodeId: 1, clusterId: 'bench', ...(segmentBytes ? { segmentBytes } : {}) });

async function dirBytes(dir: string): Promise<number> {
  let n = 0;
  for (const name of await readdir(dir)) n += (await stat(join(dir, name))).size;
  return n;
}

async function appends(batch: number): Promise<void> {
  await withDir(async (dir) => {
    const s = await openAt(dir);
    const total = quick ? 2000 : batch === 1 ? 2000 : 50_000;
    const f0 = s.stats().fsyncs;
    const t0 = performance.now();
    for (let i = 1; i <= total; i += batch) await s.save({ hardState: { term: 1, vote: 1, commit: i - 1 }, entries: entries(i, batch) });
    const secs = (performance.now() - t0) / 1000;
    const saves = Math.ceil(total / batch);
    console.log(
      `appends, ${String(batch).padStart(3)} entries/batch: ${Math.round(total / secs).toLocaleString('en')} entries/s, ` +
        `${Math.round(saves / secs)} saves/s, ${((s.stats().fsyncs - f0) / saves).toFixed(2)} fsyncs/save`,
    );
    await s.close();
  });
}

/** 64 clients, each waiting for its own write to be durable; a loop commits whatever is queued in one save. */
async function concurrentClients(clients: number, perClient: number): Promise<void> {
  await withDir(async (dir) => {
    const s = await openAt(dir);
    let next = 1;
    let queue: { data: string; done: () => void }[] = [];
    let wake: (() => void) | undefined;
    let stop = false;
    const loop = (async () => {
      while (!stop || queue.length > 0) {
        if (queue.length === 0) {
          await new Promise<void>((r) => (wake = r));
          continue;
        }
        const batch = queue;
        queue = [];
        const es = batch.map((w, i) => ({ term: 1, index: next + i, type: 'normal' as const, data: w.data }));
        next += es.length;
        await s.save({ entries: es });
        for (const w of batch) w.done();
      }
    })();
    const write = (data: string): Promise<void> =>
      new Promise((done) => {
        queue.push({ data, done });
        wake?.();
      });
    const f0 = s.stats().fsyncs;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: clients }, async () => {
      for (let i = 0; i < perClient; i++) await write(ENTRY_DATA);
    }));
    const secs = (performance.now() - t0) / 1000;
    stop = true;
    wake?.();
    await loop;
    const writes = clients * perClient;
    console.log(`${clients} concurrent clients: ${Math.round(writes / secs).toLocaleString('en')} acknowledged writes/s, ${((s.stats().fsyncs - f0) / writes).toFixed(3)} fsyncs per write`);
    await s.close();
  });
}

async function timeOpen(dir: string, segmentBytes?: number): Promise<{ ms: number; s: RaftStorage }> {
  const t0 = performance.now();
  const s = await openAt(dir, segmentBytes);
  return { ms: performance.now() - t0, s };
}

async function startupLog(n: number): Promise<void> {
  await withDir(async (dir) => {
    const s = await openAt(dir);
    for (let i = 1; i <= n; i += 1000) await s.save({ hardState: { term: 1, vote: 1, commit: i - 1 }, entries: entries(i, Math.min(1000, n - i + 1)) });
    const wal = s.stats().walBytes;
    await s.close();
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const { ms, s: o } = await timeOpen(dir);
      if (o.initial.entries.length !== n) throw new Error(`expected ${n} entries, got ${o.initial.entries.length}`);
      runs.push(ms);
      await o.close();
    }
    console.log(`open with a ${n.toLocaleString('en')}-entry log (${(wal / 2 ** 20).toFixed(1)} MiB WAL): ${runs.map((m) => `${m.toFixed(0)} ms`).join(', ')}`);
  });
}

function kvSnapshot(keys: number, valueBytes: number): string {
  const kv: Record<string, string> = {};
  for (let i = 0; i < keys; i++) kv[`key-${i}`] = `${i}:`.padEnd(valueBytes, 'v');
  return JSON.stringify({ kv, sessions: {} });
}

async function startupSnapshot(keys: number): Promise<void> {
  await withDir(async (dir) => {
    const data = kvSnapshot(keys, 80);
    const s = await openAt(dir);
    await s.save({ entries: entries(1, 1000) });
    const t0 = performance.now();
    await s.createSnapshot({ meta: { index: 1000, term: 1, voters: [1, 2, 3] }, data }, { index: 900, term: 1 });
    const writeMs = performance.now() - t0;
    await s.close();
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const { ms, s: o } = await timeOpen(dir);
      if (o.initial.snapshot?.data.length !== data.length) throw new Error('snapshot did not come back');
      runs.push(ms);
      await o.close();
    }
    console.log(
      `open with a ${keys.toLocaleString('en')}-key snapshot (${(data.length / 2 ** 20).toFixed(1)} MiB): ${runs.map((m) => `${m.toFixed(0)} ms`).join(', ')}` +
        ` (writing it: ${writeMs.toFixed(0)} ms)`,
    );
  });
}

/** `writes` puts over `keys` keys, a snapshot every `every` entries keeping a 1,000-entry window. */
async function diskUse(writes: number, keys: number, every: number, segmentBytes?: number): Promise<void> {
  await withDir(async (dir) => {
    const s = await openAt(dir, segmentBytes);
    const state = new Map<string, string>();
    let peak = 0;
    const batch = 256;
    let sinceSnap = 0;
    for (let i = 1; i <= writes; i += batch) {
      const es = entries(i, Math.min(batch, writes - i + 1));
      for (const e of es) state.set(`key-${e.index % keys}`, e.data);
      await s.save({ hardState: { term: 1, vote: 1, commit: i + es.length - 1 }, entries: es });
      sinceSnap += es.length;
      if (sinceSnap >= every) {
        sinceSnap = 0;
        const at = i + es.length - 1;
        await s.createSnapshot({ meta: { index: at, term: 1, voters: [1, 2, 3] }, data: JSON.stringify(Object.fromEntries(state)) }, { index: Math.max(0, at - 1000), term: 1 });
        peak = Math.max(peak, await dirBytes(dir));
      }
    }
    const end = await dirBytes(dir);
    const st = s.stats();
    await s.close();
    console.log(
      `disk after ${writes.toLocaleString('en')} writes to ${keys.toLocaleString('en')} keys (snapshot every ${every.toLocaleString('en')}, ` +
        `segments of ${((segmentBytes ?? 64 * 2 ** 20) / 2 ** 20).toFixed(0)} MiB): ${(end / 2 ** 20).toFixed(1)} MiB at the end, peak ${(peak / 2 ** 20).toFixed(1)} MiB, ` +
        `${st.segments} segment(s); ${((writes * 125) / 2 ** 20).toFixed(0)} MiB was appended in total`,
    );
  });
}

function codecChoice(n: number): void {
  const es = entries(1, n);
  const t0 = performance.now();
  const bin = encodeBatch({ entries: es });
  const t1 = performance.now();
  const fr = readFrame(bin, 0);
  if ('bad' in fr) throw new Error(fr.bad);
  decodeRecord(fr.type, bin, fr.start, fr.end);
  const t2 = performance.now();
  const json = Buffer.from(JSON.stringify(es), 'utf8');
  const t3 = performance.now();
  JSON.parse(json.toString('utf8'));
  const t4 = performance.now();
  console.log(
    `codec, ${n.toLocaleString('en')} entries: binary ${(bin.length / 2 ** 20).toFixed(1)} MiB encode ${(t1 - t0).toFixed(0)} ms decode ${(t2 - t1).toFixed(0)} ms; ` +
      `JSON ${(json.length / 2 ** 20).toFixed(1)} MiB encode ${(t3 - t2).toFixed(0)} ms decode ${(t4 - t3).toFixed(0)} ms`,
  );
}

async function main(): Promise<void> {
  console.log(`storage benchmark on ${tmpdir()} (node ${process.version})${quick ? ' [quick]' : ''}`);
  codecChoice(100_000);
  for (const b of [1, 16, 256]) await appends(b);
  await concurrentClients(64, quick ? 20 : 100);
  await startupLog(100_000);
  await startupSnapshot(100_000);
  await diskUse(quick ? 100_000 : 1_000_000, 10_000, 10_000);
  await diskUse(quick ? 100_000 : 1_000_000, 10_000, 10_000, 4 * 2 ** 20);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
