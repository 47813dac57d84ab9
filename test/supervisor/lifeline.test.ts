import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { EventEmitter } from 'node:events';
import { ManagedChild } from '../../src/supervisor/child-process.js';
import { isAlive } from '../../src/supervisor/process-group.js';
import { watchLifeline } from '../../src/shared/lifeline.js';
import { Reaper, collect, fixture, waitFor } from './helpers.js';

const reaper = new Reaper();
after(async () => { await reaper.cleanup(); });

function exitRecorder(): { exit: (code: number) => void; exited: Promise<{ code: number; at: number }> } {
  let resolve!: (v: { code: number; at: number }) => void;
  const exited = new Promise<{ code: number; at: number }>((r) => { resolve = r; });
  return { exit: (code) => resolve({ code, at: Date.now() }), exited };
}

describe('watchLifeline (in process)', () => {
  test('EOF on stdin runs the graceful cleanup, then exits with the chosen code', async () => {
    const stdin = new PassThrough();
    const rec = exitRecorder();
    const reasons: string[] = [];
    watchLifeline({ stdin, outputs: [], exit: rec.exit, exitCode: 7, onLost: async (r) => { reasons.push(r); } });
    stdin.end();
    const { code } = await rec.exited;
    assert.equal(code, 7);
    assert.equal(reasons.length, 1);
    assert.match(reasons[0] ?? '', /supervisor gone/);
  });

  test('a cleanup that never finishes is cut short after graceMs', async () => {
    const stdin = new PassThrough();
    const rec = exitRecorder();
    watchLifeline({ stdin, outputs: [], exit: rec.exit, graceMs: 100, onLost: () => new Promise<void>(() => undefined) });
    const t0 = Date.now();
    stdin.destroy();
    const { at } = await rec.exited;
    assert.ok(at - t0 >= 90 && at - t0 < 2000, `exited after ${at - t0} ms`);
  });

  test('EPIPE on our own output counts as a lost lifeline; other output errors do not', async () => {
    const stdin = new PassThrough();
    const out = new EventEmitter();
    let exits = 0;
    const rec = exitRecorder();
    watchLifeline({ stdin, outputs: [out], exit: (c) => { exits += 1; rec.exit(c); } });
    out.emit('error', Object.assign(new Error('nope'), { code: 'EIO' }));
    assert.equal(exits, 0);
    out.emit('error', Object.assign(new Error('broken pipe'), { code: 'EPIPE' }));
    await rec.exited;
    stdin.end(); // a second trigger must not exit twice
    await new Promise((r) => setImmediate(r));
    assert.equal(exits, 1);
  });

  test('the returned function stops watching', async () => {
    const stdin = new PassThrough();
    let exits = 0;
    const stop = watchLifeline({ stdin, outputs: [], exit: () => { exits += 1; } });
    stop();
    stdin.end();
    await new Promise((r) => setImmediate(r));
    assert.equal(exits, 0);
  });

  test('a bad graceMs is rejected with the option name', () => {
    assert.throws(() => watchLifeline({ stdin: new PassThrough(), outputs: [], graceMs: -5 }), /watchLifeline graceMs/);
  });
});

describe('lifeline with real processes', () => {
  test('children exit within 2 s of their supervisor being SIGKILLed; a child without the lifeline does not', async () => {
    const sup = reaper.child(new ManagedChild({ name: 'mini-supervisor', command: process.execPath, args: [fixture('mini-supervisor')] }));
    const out = collect(sup);
    await sup.start();
    await out.waitFor(/^ready$/m, 15_000);
    const pidOf = (name: string): number => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(out.text())?.[1]);
    const lifeline = pidOf('lifeline');
    const hanging = pidOf('hanging');
    const plain = pidOf('plain');
    for (const p of [lifeline, hanging, plain]) {
      assert.ok(Number.isInteger(p) && isAlive(p), `child ${p} is running`);
      reaper.group(p); // each leads its own group
    }
    await sup.kill('SIGKILL');
    const t0 = Date.now();
    const gone: Record<string, number> = {};
    await waitFor(() => {
      if (gone.lifeline === undefined && !isAlive(lifeline)) gone.lifeline = Date.now() - t0;
      if (gone.hanging === undefined && !isAlive(hanging)) gone.hanging = Date.now() - t0;
      return gone.lifeline !== undefined && gone.hanging !== undefined;
    }, 2000, 'both lifeline children to exit');
    console.log(`# lifeline exit after supervisor SIGKILL: ${gone.lifeline} ms; with a hanging cleanup: ${gone.hanging} ms`);
    assert.ok(isAlive(plain), 'the control child without --lifeline survives, so the test can tell the difference');
  });
});
