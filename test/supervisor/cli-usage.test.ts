// CLI usage and environment errors, without a cluster: one clear line on stderr and exit 2.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/supervisor/port-check.js';
import { cli } from './cluster-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'rs-usage-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const oneLine = (stderr: string): string => {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got: ${stderr}`);
  return lines[0] ?? '';
};

describe('raft-sup CLI usage errors (exit 2, one line)', { concurrency: true }, () => {
  test('commands against a dir with no cluster say how to start one', async () => {
    const dir = join(tmp, 'empty');
    const all = [['status'], ['kill', 'leader'], ['partition', '1', '2'], ['heal'], ['down']];
    const results = await Promise.all(all.map((args) => cli([...args, '--dir', dir])));
    for (const [i, r] of results.entries()) {
      assert.equal(r.code, 2, `${(all[i] ?? []).join(' ')}: ${r.stderr}`);
      assert.equal(oneLine(r.stderr), `raft-sup: no cluster is running in ${dir}; start one with \`raft-sup up -d --dir ${dir}\``);
    }
    assert.equal(existsSync(dir), false, 'asking does not create the dir');
  });

  test('bad up flags name the flag', async () => {
    const dir = join(tmp, 'flags');
    const cases: [string[], RegExp][] = [
      [['--nodes', '0'], /^raft-sup: --nodes: expected 1\.\.9, received 0$/],
      [['--nodes', 'three'], /^raft-sup: --nodes: expected an integer, received "three"$/],
      [['--base-port', '70000'], /^raft-sup: --base-port: expected 1\.\.65535, received 70000$/],
      [['--base-port', '6001', '--proxy-port', '6002'], /^raft-sup: --proxy-port 6002 collides with the node ports 6001\.\.6003/],
    ];
    const results = await Promise.all(cases.map(([flags]) => cli(['up', '-d', ...flags, '--dir', dir])));
    for (const [i, [flags, re]] of cases.entries()) {
      const r = results[i] ?? { code: -1, stderr: '' };
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(oneLine(r.stderr), re);
    }
    const [missing, unknown] = await Promise.all([cli(['kill']), cli(['status', '--bogus'])]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing required argument 'target'/);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--bogus'/);
  });

  test('a port already in use is named with who needs it, before anything starts', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1' }, r));
    const busy = (server.address() as { port: number }).port;
    try {
      const dir = join(tmp, 'busy');
      const r = await cli(['up', '-d', '--base-port', String(busy - 1), '--proxy-port', String(await freePort()), '--dir', dir]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(oneLine(r.stderr), `raft-sup: port ${busy} is already in use (needed for node-2); choose another with --base-port`);
      assert.equal(existsSync(join(dir, 'supervisor.sock')), false, 'no supervisor was started');
    } finally {
      server.close();
    }
  });

  test('--help works on every supervisor command', async () => {
    const cmds = ['up', 'down', 'status', 'kill', 'start', 'stop', 'restart', 'pause', 'resume', 'partition', 'isolate', 'heal', 'logs'];
    const results = await Promise.all(cmds.map((cmd) => cli([cmd, '--help'])));
    for (const [i, cmd] of cmds.entries()) {
      const r = results[i] ?? { code: -1, stdout: '', stderr: '' };
      assert.equal(r.code, 0, `${cmd} --help: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: raft-sup ${cmd}`), cmd);
      assert.match(r.stdout, /--dir <dir>/, `${cmd} takes --dir`);
    }
  });
});
