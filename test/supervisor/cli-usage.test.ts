// CLI usage and environment errors, without a cluster: one clear line on stderr and exit 2.
// A few run as real processes (the exit-code mapping of the entry point); the rest drive the same
// commander program in process, which is much cheaper than a Node start per case.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { loadCommands } from '../../src/cli/commands/index.js';
import { freePort } from '../../src/supervisor/port-check.js';
import { CLI, cli } from './cluster-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'rs-usage-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const oneLine = (stderr: string): string => {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got: ${stderr}`);
  return lines[0] ?? '';
};

/** Parse `args` with the real command table in this process; resolves with what it printed or threw. */
async function inProcess(args: string[]): Promise<{ out: string; err: string; error: unknown }> {
  let out = '';
  let err = '';
  const program = new Command('raft-sup').exitOverride().configureOutput({ writeOut: (s) => { out += s; }, writeErr: (s) => { err += s; } });
  for (const register of await loadCommands([])) register(program);
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: (s) => { out += s; }, writeErr: (s) => { err += s; } });
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out, err, error: undefined };
  } catch (error) {
    return { out, err, error };
  }
}

const failsWith = async (args: string[], re: RegExp): Promise<void> => {
  const r = await inProcess(args);
  assert.ok(r.error instanceof Error, `${args.join(' ')} should fail`);
  assert.doesNotMatch(r.error.message, /\n/, 'one line');
  assert.match(r.error.message, re, args.join(' '));
};

describe('raft-sup CLI usage errors (exit 2, one line)', { concurrency: true }, () => {
  test('a reader that goes away (`raft-sup bench --help | head -1`) ends the CLI quietly, no EPIPE stack trace', async () => {
    const child = spawn(process.execPath, [CLI, 'bench', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // closed before the CLI (still loading) writes its help
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  test('real processes: no cluster, a bad flag, a missing argument, a busy port → one line, exit 2', async () => {
    const dir = join(tmp, 'empty');
    const server = createServer();
    await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1' }, r));
    const busy = (server.address() as { port: number }).port;
    try {
      const busyDir = join(tmp, 'busy');
      const [status, nodes, missing, port] = await Promise.all([
        cli(['status', '--dir', dir]),
        cli(['up', '-d', '--nodes', '0', '--dir', dir]),
        cli(['kill']),
        // Node-1's port is the one held here: any other neighbour port could be taken by a parallel test.
        cli(['up', '-d', '--base-port', String(busy), '--proxy-port', String(await freePort()), '--dir', busyDir]),
      ]);
      for (const r of [status, nodes, missing, port]) assert.equal(r.code, 2, r.stderr);
      assert.equal(oneLine(status.stderr), `raft-sup: no cluster is running in ${dir}; start one with \`raft-sup up -d --dir ${dir}\``);
      assert.equal(oneLine(nodes.stderr), 'raft-sup: --nodes: expected 1..9, received 0');
      assert.match(missing.stderr, /missing required argument 'target'/);
      assert.equal(oneLine(port.stderr), `raft-sup: port ${busy} is already in use (needed for node-1); choose another with --base-port`);
      assert.equal(existsSync(join(busyDir, 'supervisor.sock')), false, 'no supervisor was started');
      assert.equal(existsSync(dir), false, 'asking does not create the dir');
    } finally {
      server.close();
    }
  });

  test('every command against a dir with no cluster says how to start one', async () => {
    const dir = join(tmp, 'none');
    const msg = new RegExp(`^no cluster is running in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; start one with \`raft-sup up -d --dir `);
    for (const args of [['kill', 'leader'], ['stop', '2'], ['start', 'node-2'], ['restart', 'leader'], ['pause', 'follower'], ['resume', 'all'], ['partition', '1', '2'], ['isolate', 'leader'], ['heal'], ['down'], ['status', '--json'], ['logs', 'leader']]) {
      await failsWith([...args, '--dir', dir], args[0] === 'logs' ? /^no cluster has run in / : msg);
    }
  });

  test('bad flags name the flag and what was expected', async () => {
    const dir = join(tmp, 'flags');
    await failsWith(['up', '--nodes', 'three', '--dir', dir], /^--nodes: expected an integer, received "three"$/);
    await failsWith(['up', '--nodes', '10', '--dir', dir], /^--nodes: expected 1\.\.9, received 10$/);
    await failsWith(['up', '--base-port', '70000', '--dir', dir], /^--base-port: expected 1\.\.65535, received 70000$/);
    await failsWith(['up', '--base-port', '6001', '--proxy-port', '6002', '--dir', dir], /^--proxy-port 6002 collides with the node ports 6001\.\.6003/);
    await failsWith(['kill', '1', '--signal', 'NOPE', '--dir', dir], /^--signal: unknown signal "NOPE"/);
    await failsWith(['status', '--interval', 'soon', '--dir', dir], /^--interval: expected an integer/);
    await failsWith(['logs', '-n', 'lots', '--dir', dir], /^--lines: expected an integer/);
    const unknown = await inProcess(['status', '--bogus']);
    assert.ok(unknown.error instanceof CommanderError);
    assert.match(unknown.err, /unknown option '--bogus'/);
    assert.equal(existsSync(dir), false, 'refused before touching the dir');
  });

  test('--help works on every supervisor command and shows --dir', async () => {
    for (const cmd of ['up', 'down', 'status', 'kill', 'start', 'stop', 'restart', 'pause', 'resume', 'partition', 'isolate', 'heal', 'logs']) {
      const r = await inProcess([cmd, '--help']);
      assert.ok(r.error instanceof CommanderError && r.error.exitCode === 0, cmd);
      assert.match(r.out, new RegExp(`^Usage: raft-sup ${cmd}`), cmd);
      assert.match(r.out, /--dir <dir>/, `${cmd} takes --dir`);
    }
  });
});
