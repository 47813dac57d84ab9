// The REPL on a real terminal (a pseudo-terminal from util-linux `script`): Tab completion,
// persistent history, Ctrl+C cancelling a request or clearing the line, Ctrl+D, colours.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeKv, deadUrl } from './fake-kv-server.js';
import { PtySession, tempDir } from './cli.js';

const UP = '\u001b[A';
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const PROMPT = /raft-sup> $/;
const ESC = String.fromCharCode(27);

let fake: FakeKv;
const dir = tempDir();
before(async () => { fake = await FakeKv.start(); });
after(async () => {
  await fake.close();
  dir.remove();
});

async function session(args: string[], env: Record<string, string> = {}, fn: (s: PtySession) => Promise<void>): Promise<void> {
  const s = new PtySession(['client', '--url', fake.url, '--dir', dir.path, ...args], env);
  try {
    await fn(s);
  } finally {
    await s.kill();
  }
}

test('Tab completes command words and recently used keys', () => session([], {}, async (s) => {
  await s.waitFor(PROMPT);
  let mark = s.raw.length;
  s.type('pu\t');
  await s.waitFor(/put $/, mark);
  s.type('tab-key v1\r');
  await s.waitFor(/OK tab-key = "v1"[^\n]*\n[\s\S]*raft-sup> $/, mark);
  mark = s.raw.length;
  s.type('get tab\t');
  await s.waitFor(/get tab-key $/, mark);
  s.type('\r');
  await s.waitFor(/tab-key = "v1" {2}· /, mark);
  s.type(CTRL_D);
  assert.equal(await s.exited(), 0);
}));

test('history persists in <dir>/client-history: the up arrow recalls the last session\'s command', async () => {
  await session([], {}, async (s) => {
    await s.waitFor(PROMPT);
    s.type('put hist-key 42\r');
    await s.waitFor(/OK hist-key = "42"/);
    s.type(CTRL_D);
    assert.equal(await s.exited(), 0);
  });
  assert.match(readFileSync(join(dir.path, 'client-history'), 'utf8'), /^put hist-key 42$/m);
  fake.store.delete('hist-key');
  await session([], {}, async (s) => {
    await s.waitFor(PROMPT);
    const mark = s.raw.length;
    s.type(UP);
    await s.waitFor(/put hist-key 42$/, mark);
    s.type('\r');
    await s.waitFor(/OK hist-key = "42"/, mark);
    assert.equal(fake.store.get('hist-key'), '42');
    s.type(CTRL_D);
    assert.equal(await s.exited(), 0);
  });
});

test('Ctrl+C cancels the request in flight, then clears a half-typed line; the session goes on', () => session([], {}, async (s) => {
  await s.waitFor(PROMPT);
  fake.delayMs = 8000;
  const before = fake.seen.length;
  let mark = s.raw.length;
  s.type('get slow-key\r');
  while (fake.seen.length === before) await new Promise((r) => setTimeout(r, 5));
  const t0 = performance.now();
  s.type(CTRL_C);
  await s.waitFor(/✗ cancelled {2}· [^\n]*\n[\s\S]*raft-sup> $/, mark);
  assert.ok(performance.now() - t0 < 3000, 'cancelled at once, not after the slow answer');
  fake.delayMs = 0;
  mark = s.raw.length;
  s.type('garbage words');
  await s.waitFor(/garbage words$/, mark);
  s.type(CTRL_C);
  mark = s.raw.length;
  await s.waitFor(PROMPT, mark);
  s.type('put after-cancel 1\r');
  await s.waitFor(/OK after-cancel = "1"/, mark);
  assert.doesNotMatch(s.since(mark), /unknown command|garbage/);
  s.type(CTRL_D);
  assert.equal(await s.exited(), 0);
}));

test('on a terminal answers are coloured; NO_COLOR turns colours off', async () => {
  await session([], { NO_COLOR: '' }, async (s) => {
    await s.waitFor(PROMPT);
    const mark = s.raw.length;
    s.type('put colour 1\r');
    await s.waitFor(/OK colour/, mark);
    assert.ok(s.raw.slice(mark).includes(`${ESC}[32mOK${ESC}[0m`), 'OK is green');
    s.type(CTRL_D);
    await s.exited();
  });
  await session([], { NO_COLOR: '1' }, async (s) => {
    await s.waitFor(PROMPT);
    const mark = s.raw.length;
    s.type('put colour 2\r');
    await s.waitFor(/OK colour/, mark);
    assert.ok(!s.raw.slice(mark).includes(`${ESC}[3`), 'no colour codes');
    s.type('exit\r');
    assert.equal(await s.exited(), 0);
  });
});

test('unreachable cluster on a terminal: one line with what to try, and the prompt comes back', async () => {
  const url = await deadUrl();
  const s = new PtySession(['client', '--url', url, '--dir', dir.path, '--timeout', '400ms']);
  try {
    await s.waitFor(PROMPT);
    const mark = s.raw.length;
    s.type('get a\r');
    await s.waitFor(/✗ \[UNREACHABLE\] nothing answers at [^\n]*raft-sup up[^\n]*\n[\s\S]*raft-sup> $/, mark);
    assert.doesNotMatch(s.text, /\n\s+at |Error:/);
    s.type(CTRL_D);
    assert.equal(await s.exited(), 0);
  } finally {
    await s.kill();
  }
});

test('menu mode on a terminal prompts in Spanish with --lang es; Ctrl+C abandons a step', () => session(['--menu', '--lang', 'es'], {}, async (s) => {
  await s.waitFor(/Seleccione una opción:\n1\. Escribir un valor\n2\. Leer un valor\n3\. Salir\nOpción: $/);
  let mark = s.raw.length;
  s.type('1\r');
  await s.waitFor(/Ingrese la clave: $/, mark);
  s.type(CTRL_C);
  await s.waitFor(/Seleccione una opción:[\s\S]*Opción: $/, mark);
  mark = s.raw.length;
  s.type('1\rmk\rmv\r');
  await s.waitFor(/Escrito: mk = mv/, mark);
  s.type('3\r');
  assert.equal(await s.exited(), 0);
}));
