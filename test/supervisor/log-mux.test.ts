import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogMux, colorFor, formatClock } from '../../src/supervisor/log-mux.js';
import { ManagedChild } from '../../src/supervisor/child-process.js';
import { Reaper, fixture, waitFor } from './helpers.js';

const reaper = new Reaper();
const tmp = mkdtempSync(join(tmpdir(), 'raft-sup-logmux-'));
after(async () => {
  await reaper.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

const FIXED = new Date(2026, 0, 2, 3, 4, 5);
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

function sink(): { write: (t: string) => void; text: () => string; lines: () => string[] } {
  let buf = '';
  return { write: (t) => { buf += t; }, text: () => buf, lines: () => buf.split('\n').filter((l) => l !== '') };
}

describe('LogMux', () => {
  test('prefixes each line with HH:MM:SS, the name and a bar', () => {
    const out = sink();
    const mux = new LogMux({ out, color: false, now: () => FIXED });
    mux.write('node-2', 'hello\n');
    assert.equal(out.text(), '03:04:05 node-2 │ hello\n');
    assert.equal(formatClock(FIXED), '03:04:05');
  });

  test('holds a partial line until its newline arrives', () => {
    const out = sink();
    const mux = new LogMux({ out, color: false, now: () => FIXED });
    mux.write('n', 'hel');
    assert.equal(out.text(), '', 'nothing printed for a partial line');
    mux.write('n', 'lo\nwor');
    assert.deepEqual(out.lines(), ['03:04:05 n │ hello']);
    mux.write('n', 'ld\n\n');
    assert.deepEqual(out.lines(), ['03:04:05 n │ hello', '03:04:05 n │ world', '03:04:05 n │ ']);
  });

  test('a multi-byte character split across chunks is not mangled; CRLF loses its CR', () => {
    const out = sink();
    const mux = new LogMux({ out, color: false, now: () => FIXED });
    const euro = Buffer.from('€\r\n');
    mux.write('n', euro.subarray(0, 1));
    mux.write('n', euro.subarray(1));
    assert.equal(out.text(), '03:04:05 n │ €\n');
  });

  test('flush prints a leftover partial line; stdout and stderr partials do not mix', async () => {
    const out = sink();
    const mux = new LogMux({ out, color: false, now: () => FIXED });
    mux.write('n', 'out-', 'stdout');
    mux.write('n', 'err line\n', 'stderr');
    mux.write('n', 'line\n', 'stdout');
    mux.write('n', 'tail', 'stdout');
    mux.flush('n', 'stdout');
    mux.write('n', 'late', 'stderr');
    await mux.close();
    assert.deepEqual(out.lines(), ['03:04:05 n │ err line', '03:04:05 n │ out-line', '03:04:05 n │ tail', '03:04:05 n │ late']);
  });

  test('names are padded to the widest registered name so the bars line up', () => {
    const out = sink();
    const mux = new LogMux({ out, color: false, now: () => FIXED });
    mux.register('node-1');
    mux.register('proxy');
    mux.write('proxy', 'p\n');
    mux.write('node-1', 'n\n');
    assert.deepEqual(out.lines(), ['03:04:05 proxy  │ p', '03:04:05 node-1 │ n']);
  });

  test('a line longer than maxLineBytes is emitted in pieces', () => {
    const out = sink();
    const mux = new LogMux({ out, color: false, now: () => FIXED, maxLineBytes: 4 });
    mux.write('n', 'abcdefghij');
    assert.deepEqual(out.lines(), ['03:04:05 n │ abcd', '03:04:05 n │ efgh']);
    mux.flush('n');
    assert.equal(out.lines().at(-1), '03:04:05 n │ ij');
  });

  test('colour: stable per name, distinct for node-1..3, ANSI only when enabled', () => {
    assert.equal(colorFor('proxy'), colorFor('proxy'));
    assert.equal(new Set([colorFor('node-1'), colorFor('node-2'), colorFor('node-3')]).size, 3);
    const coloured = sink();
    new LogMux({ out: coloured, color: true, now: () => FIXED }).write('node-1', 'x\n');
    assert.ok(coloured.text().includes(`\u001b[${colorFor('node-1')}m`));
    assert.equal(stripAnsi(coloured.text()), '03:04:05 node-1 │ x\n');
    const plain = sink();
    new LogMux({ out: plain, color: false, now: () => FIXED }).write('node-1', 'x\n');
    assert.ok(!plain.text().includes('\u001b'));
  });

  test('tees raw output to <logsDir>/<name>.log, appending across runs, with notes on their own line', async () => {
    const dir = join(tmp, 'tee');
    for (const run of [1, 2]) {
      const mux = new LogMux({ out: sink(), color: true, logsDir: dir, now: () => FIXED });
      mux.write('node-1', `run ${run} `);
      mux.note('node-1', 'exited (SIGKILL)');
      mux.write('node-1', 'partial');
      await mux.close();
    }
    assert.equal(readFileSync(join(dir, 'node-1.log'), 'utf8'),
      'run 1 \n03:04:05 -- raft-sup: exited (SIGKILL) --\npartialrun 2 \n03:04:05 -- raft-sup: exited (SIGKILL) --\npartial');
  });

  test('a name that is not a safe file name is refused', () => {
    const mux = new LogMux({ out: sink(), color: false });
    assert.throws(() => mux.write('../evil', 'x'), /process name must match/);
  });

  test('attached to a real child: partial writes become whole lines and the tail is flushed at exit', async () => {
    const out = sink();
    const logsDir = join(tmp, 'child');
    const mux = new LogMux({ out, color: false, logsDir, now: () => FIXED });
    const child = reaper.child(new ManagedChild({ name: 'writer', command: process.execPath, args: [fixture('partial-lines')] }));
    let ended = 0;
    child.on('output-end', () => { ended += 1; });
    mux.attach('writer', child);
    await child.start();
    await waitFor(() => ended === 2, 10_000, 'stdout and stderr of the child to end');
    await mux.close();
    const lines = out.lines();
    assert.deepEqual(lines.filter((l) => !l.includes('error line')),
      ['03:04:05 writer │ hello', '03:04:05 writer │ world', '03:04:05 writer │ café €', '03:04:05 writer │ tail-without-newline']);
    assert.ok(lines.includes('03:04:05 writer │ an error line'));
    assert.equal(readFileSync(join(logsDir, 'writer.log'), 'utf8').replace('an error line\n', ''), 'hello\nworld\ncafé €\ntail-without-newline');
  });
});
