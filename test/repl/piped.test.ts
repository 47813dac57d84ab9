// `raft-sup client` with piped input and the one-shot commands, run as real child processes
// against a fake node and against an address where nothing listens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKv, deadUrl } from './fake-kv-server.js';
import { runCli, tempDir } from './cli.js';

let fake: FakeKv;
before(async () => { fake = await FakeKv.start(); });
after(async () => { await fake.close(); });

const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');

test('piped commands run line by line, each answer with result, server and latency; exit 0', async () => {
  fake.servedBy = 'node-3';
  const r = await runCli(['client', '--url', fake.url], { stdin: 'put a 1\nget a\nput "b c" "hello world"\nget \'b c\'\ndel a\nget a --stale\ncas n - first\ncas n first second\nget n\n' });
  fake.servedBy = undefined;
  const out = lines(r.stdout);
  assert.equal(r.stderr, '');
  assert.match(out[0] ?? '', /^OK a = "1" \(index \d+\) {2}· node-3 · [\d.]+ ms$/);
  assert.match(out[1] ?? '', /^a = "1" {2}· node-3 · [\d.]+ ms$/);
  assert.match(out[2] ?? '', /^OK "b c" = "hello world" /);
  assert.match(out[3] ?? '', /^"b c" = "hello world" /);
  assert.match(out[4] ?? '', /^OK a deleted /);
  assert.match(out[5] ?? '', /^a: \(not found\) /);
  assert.match(out[6] ?? '', /^OK n: \(absent\) → "first" /);
  assert.match(out[7] ?? '', /^OK n: "first" → "second" /);
  assert.match(out[8] ?? '', /^n = "second" /);
  // The not-found read makes the session exit 1 (a command failed definitely).
  assert.equal(r.code, 1, r.stdout);
});

test('without x-served-by, an answer names the URL it came from', async () => {
  const r = await runCli(['client', '--url', fake.url], { stdin: 'put plain 1\n' });
  assert.equal(r.code, 0);
  assert.match(r.stdout, new RegExp(`^OK plain = "1" \\(index \\d+\\)  · ${fake.url} · [\\d.]+ ms\\n$`));
});

test('a usage mistake is one line, the rest still runs, and the session exits 2', async () => {
  const r = await runCli(['client', '--url', fake.url], { stdin: 'put x\nfrobnicate\nput x "unterminated\nput x 2\n' });
  const out = lines(r.stdout);
  assert.equal(r.code, 2);
  assert.equal(out[0], '✗ usage: put KEY VALUE');
  assert.match(out[1] ?? '', /^✗ unknown command "frobnicate"/);
  assert.match(out[2] ?? '', /^✗ unterminated " quote/);
  assert.match(out[3] ?? '', /^OK x = "2"/);
  assert.equal(out.length, 4);
});

test('exit stops reading; later lines are not run', async () => {
  const r = await runCli(['client', '--url', fake.url], { stdin: 'put stop 1\nexit\nput stop 2\n' });
  assert.equal(r.code, 0);
  assert.equal(lines(r.stdout).length, 1);
  assert.equal(fake.store.get('stop'), '1');
});

test('a CAS mismatch fails the piped session with 1 and says what the key holds', async () => {
  const r = await runCli(['client', '--url', fake.url], { stdin: 'put c v1\ncas c v0 v2\n' });
  assert.equal(r.code, 1);
  assert.match(lines(r.stdout)[1] ?? '', /^✗ cas failed: expected c to hold "v0" \(it holds "v1"\)/);
});

test('unreachable proxy: one line per command with what to try, no stack trace, exit 2 within the deadline', async () => {
  const url = await deadUrl();
  const r = await runCli(['client', '--url', url, '--timeout', '500ms'], { stdin: 'put a 1\nget a\nstatus\nleader\n' });
  assert.equal(r.code, 2);
  const out = lines(r.stdout);
  assert.equal(out.length, 4, r.stdout);
  for (const l of out) assert.match(l, new RegExp(`^✗ \\[UNREACHABLE\\] nothing answers at ${url} \\(retried for 500 ms\\) — is the cluster running\\? try \`raft-sup up\`, then \`raft-sup status\``));
  assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at |Error:/);
  assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
});

test('menu mode speaks the original Spanish with --lang es and works from a pipe', async () => {
  const r = await runCli(['client', '--url', fake.url, '--menu', '--lang', 'es'], { stdin: '1\ndata1\nhola mundo\n2\ndata1\n2\nnada\n7\n3\n' });
  const out = r.stdout;
  assert.match(out, /^Seleccione una opción:\n1\. Escribir un valor\n2\. Leer un valor\n3\. Salir\n/);
  assert.match(out, /Escrito: data1 = hola mundo {2}· /);
  assert.match(out, /Valor de data1: hola mundo {2}· /);
  assert.match(out, /La clave nada no existe\./);
  assert.match(out, /✗ Opción no válida: elija 1, 2 o 3\./);
  assert.equal(fake.store.get('data1'), 'hola mundo');
  // A read of a missing key and an invalid option count as failures for a piped session.
  assert.equal(r.code, 2);
});

test('`menu` inside the REPL uses English labels and option 3 returns to commands', async () => {
  const r = await runCli(['client', '--url', fake.url], { stdin: 'menu\n1\nm\nv\n3\nget m\n' });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Select an option:\n1\. Write a value\n2\. Read a value\n3\. Exit\n/);
  assert.match(r.stdout, /Written: m = v/);
  assert.match(r.stdout, /Leaving the menu\.\nm = "v"/);
});

test('status and leader from a node\'s /status', async () => {
  const r = await runCli(['client', '--url', fake.url], { stdin: 'leader\nstatus\n' });
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, new RegExp(`^leader: node-1 ${fake.url} · term 3  · ${fake.url} · `));
  assert.match(r.stdout, /NAME\s+PID\s+STATE\s+ROLE\s+TERM/);
  assert.match(r.stdout, /node-1\s+-\s+running\s+leader\s+3/);
});

test('one-shots: put/get/del/cas print results and exit 0, 1 (not found, mismatch) or 2 (usage, unreachable)', async () => {
  const u = ['--url', fake.url];
  fake.store.set('dash', '-');
  // Independent calls run side by side (each is a whole CLI process); dependent ones follow.
  const [put, miss, casAbsent, negative, literal, usage, badUrl, badTimeout] = await Promise.all([
    runCli(['put', 'one', 'hello world', ...u]),
    runCli(['get', 'none', '--stale', ...u]),
    runCli(['cas', 'fresh', '-', 'v1', ...u]),
    runCli(['put', 'n', ...u, '--', '-5']),
    runCli(['cas', 'dash', '-', 'x', '--literal', ...u]),
    runCli(['put', 'onlykey', ...u]),
    runCli(['get', 'k', '--url', 'ftp://x']),
    runCli(['get', 'k', '--timeout', 'soon', ...u]),
  ]);
  assert.equal(put.code, 0);
  assert.match(put.stdout, /^OK one = "hello world" \(index \d+\) {2}· /);
  assert.deepEqual([miss.code, miss.stdout, miss.stderr], [1, '', 'raft-sup: none: not found\n']);
  assert.equal(casAbsent.code, 0, casAbsent.stderr);
  assert.equal(negative.code, 0, negative.stderr);
  assert.equal(fake.store.get('n'), '-5');
  assert.equal(literal.code, 0, literal.stderr);
  assert.equal(fake.store.get('dash'), 'x');
  assert.equal(usage.code, 2);
  assert.deepEqual([badUrl.code, badUrl.stderr], [2, 'raft-sup: --url: expected an http:// or https:// URL, received "ftp://x"\n']);
  assert.equal(badTimeout.code, 2);
  assert.match(badTimeout.stderr, /--timeout: expected a duration like 5s/);
  const [get, mismatch] = await Promise.all([runCli(['get', 'one', ...u]), runCli(['cas', 'fresh', '-', 'v2', ...u])]);
  assert.deepEqual([get.code, get.stdout], [0, 'hello world\n']);
  assert.equal(mismatch.code, 1);
  assert.match(mismatch.stderr, /cas failed: expected fresh to be absent \(it holds "v1"\)/);
  const del = await runCli(['del', 'one', ...u]);
  assert.deepEqual([del.code, /OK one deleted/.test(del.stdout)], [0, true]);
  const delAgain = await runCli(['delete', 'one', ...u]);
  assert.deepEqual([delAgain.code, /one: did not exist/.test(delAgain.stdout)], [0, true]);
});

test('one-shot --json prints one object, for answers and for failures', async () => {
  fake.store.set('j', 'v');
  const ok = await runCli(['get', 'j', '--json', '--url', fake.url]);
  const o = JSON.parse(ok.stdout) as Record<string, unknown>;
  assert.equal(ok.code, 0);
  assert.deepEqual({ ok: o.ok, op: o.op, key: o.key, found: o.found, value: o.value, servedBy: o.servedBy, exitCode: o.exitCode }, { ok: true, op: 'get', key: 'j', found: true, value: 'v', servedBy: fake.url, exitCode: 0 });
  assert.equal(typeof o.latencyMs, 'number');
  const url = await deadUrl();
  const bad = await runCli(['put', 'j', 'w', '--json', '--url', url, '--timeout', '300ms']);
  const b = JSON.parse(bad.stdout) as { ok: boolean; error: { code: string; definite: boolean }; uncertain: boolean; exitCode: number };
  assert.equal(bad.code, 2);
  assert.deepEqual([b.ok, b.error.code, b.error.definite, b.uncertain, b.exitCode], [false, 'UNREACHABLE', true, false, 2]);
});

test('the history file is not written by piped sessions', async () => {
  const dir = tempDir();
  try {
    const r = await runCli(['client', '--url', fake.url, '--dir', dir.path], { stdin: 'put h 1\n' });
    assert.equal(r.code, 0);
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(`${dir.path}/client-history`), false);
  } finally {
    dir.remove();
  }
});

test('a reader that goes away (| head -1) ends the session quietly, without a stack trace', async () => {
  const { spawn } = await import('node:child_process');
  const { MAIN, childEnv } = await import('./cli.js');
  const child = spawn(process.execPath, [MAIN, 'client', '--url', fake.url], { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv() });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
  child.stdin.on('error', () => undefined);
  child.stdin.end('help\n'.repeat(2000));
  const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  // Read the first chunk, then hang up like `head -1` does.
  child.stdout.once('data', () => child.stdout.destroy());
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await closed;
  clearTimeout(timer);
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
