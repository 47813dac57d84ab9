import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChildStartError, ChildStateError, ManagedChild, type ChildSpec } from '../../src/supervisor/child-process.js';
import { groupAlive, isAlive } from '../../src/supervisor/process-group.js';
import { Reaper, collect, fixture, procState, waitFor } from './helpers.js';

const reaper = new Reaper();
after(async () => { await reaper.cleanup(); });

function managed(name: string, script: string, args: string[] = [], extra: Partial<ChildSpec> = {}): ManagedChild {
  return reaper.child(new ManagedChild({ name, command: process.execPath, args: [fixture(script), ...args], ...extra }));
}

describe('ManagedChild', () => {
  test('start runs the child in its own process group and stop ends it with SIGTERM', async () => {
    const c = managed('forever', 'forever');
    const out = collect(c);
    assert.equal(c.state, 'stopped');
    await c.start();
    assert.equal(c.state, 'running');
    assert.equal(c.desired, 'running');
    const pid = c.pid;
    assert.ok(pid !== null && pid > 1);
    await out.waitFor(/ready (\d+)/);
    assert.ok(groupAlive(pid), 'the child leads its own process group (pgid = pid)');
    const info = await c.stop();
    assert.equal(c.state, 'stopped');
    assert.equal(c.desired, 'stopped');
    assert.equal(c.pid, null);
    assert.equal(info?.signal, 'SIGTERM');
    assert.equal(info?.requested, true);
    assert.equal(info?.escalated, false);
    assert.equal(isAlive(pid), false);
  });

  test('stop escalates to SIGKILL for a child that ignores SIGTERM, after the grace period', async () => {
    const grace = 300;
    const c = managed('stubborn', 'ignore-sigterm', [], { stopGraceMs: grace });
    const out = collect(c);
    await c.start();
    await out.waitFor(/ready/);
    const pid = c.pid ?? 0;
    const t0 = Date.now();
    const info = await c.stop();
    const took = Date.now() - t0;
    assert.equal(info?.signal, 'SIGKILL');
    assert.equal(info?.escalated, true);
    assert.equal(c.state, 'stopped', 'a stop that had to escalate is still a stop, not a crash');
    assert.ok(took >= grace - 20, `waited the grace period (${took} ms)`);
    assert.ok(took < grace + 5000, `then killed promptly (${took} ms)`);
    await out.waitFor(/got SIGTERM, ignoring it/);
    assert.equal(isAlive(pid), false);
  });

  test('stop takes down the whole process group, grandchild included', async () => {
    const c = managed('parent', 'grandchild');
    const out = collect(c);
    await c.start();
    const m = await out.waitFor(/grandchild (\d+)/);
    const grandchild = Number(m[1]);
    reaper.pid(grandchild);
    assert.ok(isAlive(grandchild));
    await c.stop();
    assert.equal(isAlive(grandchild), false, 'grandchild gone');
    assert.equal(groupAlive(grandchild), false);
  });

  test('stop sweeps a grandchild that ignores SIGTERM even though the parent obeyed it', async () => {
    const c = managed('parent2', 'grandchild', ['--ignore-term'], { stopGraceMs: 300 });
    const out = collect(c);
    await c.start();
    const grandchild = Number((await out.waitFor(/grandchild (\d+)/))[1]);
    reaper.pid(grandchild);
    await out.waitFor(/ready/);
    const info = await c.stop();
    assert.equal(info?.signal, 'SIGTERM', 'the leader itself exited on SIGTERM');
    assert.equal(info?.escalated, true, 'the group needed SIGKILL');
    assert.equal(isAlive(grandchild), false);
  });

  test('kill() is a requested crash: crashed (SIGKILL), desired stopped, and start brings it back', async () => {
    const c = managed('victim', 'forever');
    const out = collect(c);
    await c.start();
    await out.waitFor(/ready/);
    const pid = c.pid ?? 0;
    const info = await c.kill();
    assert.equal(info?.signal, 'SIGKILL');
    assert.equal(info?.requested, true);
    assert.equal(c.state, 'crashed');
    assert.equal(c.snapshot().label, 'crashed (SIGKILL)');
    assert.equal(c.desired, 'stopped');
    assert.equal(isAlive(pid), false);
    await c.start();
    assert.equal(c.state, 'running');
    assert.notEqual(c.pid, pid);
    assert.equal(c.snapshot().starts, 2);
    await c.stop();
  });

  test('kill with another signal reports the crash with that signal', async () => {
    const c = managed('termed', 'forever');
    const out = collect(c);
    await c.start();
    await out.waitFor(/ready/);
    assert.equal(await c.kill('SIGTERM'), null, 'non-SIGKILL signals resolve once sent');
    await c.waitForState('crashed', 10_000);
    assert.equal(c.snapshot().label, 'crashed (SIGTERM)');
    assert.equal(c.lastExit?.requested, true);
  });

  test('an unexpected exit is reported as crashed with its exit code, desired state still running', async () => {
    const c = managed('exiter', 'exit-with-code', ['3']);
    await c.start();
    await c.waitForState('crashed', 10_000);
    assert.equal(c.lastExit?.code, 3);
    assert.equal(c.lastExit?.signal, null);
    assert.equal(c.lastExit?.requested, false);
    assert.equal(c.desired, 'running');
    assert.equal(c.snapshot().label, 'crashed (exit 3)');
  });

  test('an unexpected signal death is reported as crashed with the signal', async () => {
    const c = managed('shot', 'forever');
    const out = collect(c);
    await c.start();
    await out.waitFor(/ready/);
    process.kill(c.pid ?? 0, 'SIGKILL'); // from outside the ManagedChild: nobody asked it to
    await c.waitForState('crashed', 10_000);
    assert.equal(c.snapshot().label, 'crashed (SIGKILL)');
    assert.equal(c.lastExit?.requested, false);
    assert.equal(c.desired, 'running');
  });

  test('when the leader crashes, what is left of its group is swept', async () => {
    const c = managed('parent3', 'grandchild');
    const out = collect(c);
    await c.start();
    const grandchild = Number((await out.waitFor(/grandchild (\d+)/))[1]);
    reaper.pid(grandchild);
    process.kill(c.pid ?? 0, 'SIGKILL');
    await c.waitForState('crashed', 10_000);
    await waitFor(() => !isAlive(grandchild), 5000, 'the orphaned grandchild to be swept');
  });

  test('pause stops the whole group (SIGSTOP) and resume continues it', async () => {
    const c = managed('sleeper', 'grandchild');
    const out = collect(c);
    await c.start();
    const grandchild = Number((await out.waitFor(/grandchild (\d+)/))[1]);
    reaper.pid(grandchild);
    const pid = c.pid ?? 0;
    c.pause();
    assert.equal(c.state, 'paused');
    assert.equal(c.desired, 'paused');
    await waitFor(() => procState(pid) === 'T' && procState(grandchild) === 'T', 5000, 'both processes to be stopped (T)');
    c.pause(); // idempotent
    c.resume();
    assert.equal(c.state, 'running');
    await waitFor(() => procState(pid) !== 'T' && procState(grandchild) !== 'T', 5000, 'both processes to run again');
    await c.stop();
  });

  test('stopping a paused child continues it first, so SIGTERM ends it without escalation', async () => {
    const c = managed('paused-stop', 'forever', [], { stopGraceMs: 3000 });
    const out = collect(c);
    await c.start();
    await out.waitFor(/ready/);
    c.pause();
    await waitFor(() => procState(c.pid ?? 0) === 'T', 5000, 'the child to be stopped');
    const info = await c.stop();
    assert.equal(info?.signal, 'SIGTERM');
    assert.equal(info?.escalated, false);
    assert.equal(c.state, 'stopped');
  });

  test('kill on a paused child still crashes it', async () => {
    const c = managed('paused-kill', 'forever');
    const out = collect(c);
    await c.start();
    await out.waitFor(/ready/);
    c.pause();
    const info = await c.kill();
    assert.equal(info?.signal, 'SIGKILL');
    assert.equal(c.snapshot().label, 'crashed (SIGKILL)');
  });

  test('operations that make no sense say why instead of signalling anything', async () => {
    const c = managed('idle', 'forever');
    assert.throws(() => c.pause(), (e: unknown) => e instanceof ChildStateError && /cannot pause idle: it is stopped/.test(e.message));
    await assert.rejects(c.kill(), (e: unknown) => e instanceof ChildStateError && /cannot kill idle/.test(e.message));
    assert.throws(() => c.resume(), ChildStateError);
    assert.equal(await c.stop(), null, 'stopping a stopped child is a no-op');
  });

  test('a command that cannot be spawned is a ChildStartError and shows as crashed', async () => {
    const c = reaper.child(new ManagedChild({ name: 'ghost', command: '/nonexistent/raft-sup-fixture' }));
    await assert.rejects(c.start(), (e: unknown) => e instanceof ChildStartError && /could not start ghost/.test(e.message));
    assert.equal(c.state, 'crashed');
    assert.match(c.snapshot().label, /^crashed \(.*ENOENT.*\)$/);
  });

  test('restart gives a new pid; concurrent stop calls share one stop; start waits for a stop in flight', async () => {
    const c = managed('cycler', 'forever');
    await c.start();
    const first = c.pid;
    await c.restart();
    assert.equal(c.state, 'running');
    assert.notEqual(c.pid, first);
    assert.equal(first !== null && isAlive(first), false);
    const a = c.stop();
    const b = c.stop();
    assert.equal(a, b);
    const started = c.start();
    await Promise.all([a, started]);
    assert.equal(c.state, 'running');
    await c.start(); // already running: no-op
    assert.equal(c.snapshot().starts, 3);
    await c.stop();
  });

  describe('warm spares', () => {
    const warmSpec = (name: string): ManagedChild => {
      const args = [fixture('await-args')];
      return managed(name, 'forever', [], { warm: { args, send: ['node', '--id', '7'] } });
    };
    const trackSpare = (c: ManagedChild): number => {
      const pid = c.snapshot().sparePid;
      assert.ok(pid !== null, 'a spare is waiting');
      reaper.group(pid);
      return pid;
    };

    test('start hands the arguments to the spare: its pid becomes the child, its output the child\'s', async () => {
      const c = warmSpec('warm');
      const out = collect(c);
      assert.equal(await c.prewarm(), true);
      const spare = trackSpare(c);
      assert.equal(c.state, 'stopped', 'a spare is not the child: it stays stopped');
      assert.equal(c.pid, null);
      assert.equal(await c.prewarm(), false, 'one spare at a time');
      await c.start();
      assert.equal(c.pid, spare);
      assert.equal(c.snapshot().sparePid, null, 'the spare was used up');
      await out.waitFor(new RegExp(`ran \\["node","--id","7"\\] pid ${spare}`));
      assert.equal(await c.prewarm(), false, 'no spare while the child runs');
      const info = await c.stop();
      assert.equal(info?.signal, 'SIGTERM');
      assert.equal(isAlive(spare), false);
      // Down again: the next start may take a new spare, or spawn the ordinary way without one.
      await c.start();
      await out.waitFor(/ready \d+/);
      assert.notEqual(c.pid, spare);
      await c.stop();
    });

    test('a spare that died before it was needed is not used: start spawns the ordinary way', async () => {
      const c = warmSpec('dead-spare');
      const out = collect(c);
      assert.equal(await c.prewarm(), true);
      const spare = trackSpare(c);
      process.kill(spare, 'SIGKILL');
      await waitFor(() => c.snapshot().sparePid === null, 10_000, 'the dead spare to be forgotten');
      await c.start();
      await out.waitFor(/ready (\d+)/);
      assert.notEqual(c.pid, spare);
      await c.stop();
    });

    test('disposeSpare ends it; retired, no new spare is made; a spec without warm never has one', async () => {
      const c = warmSpec('retired');
      assert.equal(await c.prewarm(), true);
      const spare = trackSpare(c);
      await c.disposeSpare({ retire: true });
      assert.equal(isAlive(spare), false);
      assert.equal(c.snapshot().sparePid, null);
      assert.equal(await c.prewarm(), false);
      const plain = managed('plain', 'forever');
      assert.equal(await plain.prewarm(), false);
    });
  });

  test('invalid specs are rejected with the option name', () => {
    assert.throws(() => new ManagedChild({ name: '', command: 'x' }), /ChildSpec.name/);
    assert.throws(() => new ManagedChild({ name: 'a', command: 'x', stopGraceMs: -1 }), /stopGraceMs for a/);
  });
});
