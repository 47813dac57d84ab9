import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ControlSocketError, controlPaths, controlRequest, createControlApp, probeSocket, startControlServer, type ControlServer,
} from '../../src/supervisor/control-socket.js';
import { ManagedChild } from '../../src/supervisor/child-process.js';
import { Reaper, collect, fixture } from './helpers.js';

const reaper = new Reaper();
const tmp = mkdtempSync(join(tmpdir(), 'raft-sup-ctl-'));
const servers: ControlServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
  await reaper.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

let dirs = 0;
const freshDir = (): string => join(tmp, `d${++dirs}`);

async function serve(stateDir: string): Promise<ControlServer> {
  const app = createControlApp();
  app.get('/ping', async () => ({ pong: true, pid: process.pid }));
  app.post('/echo', async (req) => ({ got: req.body }));
  const server = await startControlServer(app, { stateDir });
  servers.push(server);
  return server;
}

const isCode = (code: string, re?: RegExp) => (e: unknown): boolean =>
  e instanceof ControlSocketError && e.code === code && (re === undefined || re.test(e.message));

describe('control socket', () => {
  test('serves requests over the unix socket, writes a pid file, and is private to the user', async () => {
    const dir = freshDir();
    const server = await serve(dir);
    assert.equal(server.socketPath, controlPaths(dir).socketPath);
    assert.equal(await probeSocket(server.socketPath), 'live');
    assert.equal(readFileSync(server.pidPath, 'utf8').trim(), String(process.pid));
    assert.equal(statSync(server.socketPath).mode & 0o777, 0o600);
    assert.deepEqual(await controlRequest(server.socketPath, 'GET', '/ping'), { status: 200, body: { pong: true, pid: process.pid } });
    assert.deepEqual((await controlRequest(server.socketPath, 'POST', '/echo', { target: 'leader' })).body, { got: { target: 'leader' } });
    assert.equal((await controlRequest(server.socketPath, 'GET', '/nope')).status, 404);
  });

  test('a second supervisor on a live dir refuses, naming the dir, the pid and how to stop it', async () => {
    const dir = freshDir();
    const first = await serve(dir);
    const app = createControlApp();
    await assert.rejects(startControlServer(app, { stateDir: dir }),
      isCode('ALREADY_RUNNING', new RegExp(`a cluster is already running in ${controlPaths(dir).stateDir} \\(pid ${process.pid}\\); stop it with \`raft-sup down --dir ${controlPaths(dir).stateDir}\``)));
    await app.close();
    assert.deepEqual((await controlRequest(first.socketPath, 'GET', '/ping')).status, 200, 'the first one is untouched');
  });

  test('close removes the socket and the pid file; then the socket is absent and requests say nothing runs', async () => {
    const dir = freshDir();
    const server = await serve(dir);
    await server.close();
    assert.equal(existsSync(server.socketPath), false);
    assert.equal(existsSync(server.pidPath), false);
    assert.equal(await probeSocket(server.socketPath), 'absent');
    await assert.rejects(controlRequest(server.socketPath, 'GET', '/ping'), isCode('NOT_RUNNING', /no cluster is running in/));
  });

  test('a socket left by a SIGKILLed process is stale, and a new supervisor replaces it', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const { socketPath, pidPath } = controlPaths(dir);
    const holder = reaper.child(new ManagedChild({ name: 'holder', command: process.execPath, args: [fixture('socket-holder'), socketPath] }));
    const out = collect(holder);
    await holder.start();
    await out.waitFor(/ready/);
    assert.equal(await probeSocket(socketPath), 'live');
    writeFileSync(pidPath, `${holder.pid}\n`);
    await holder.kill('SIGKILL');
    assert.ok(existsSync(socketPath), 'SIGKILL leaves the socket file behind');
    assert.equal(await probeSocket(socketPath), 'stale');
    await assert.rejects(controlRequest(socketPath, 'GET', '/ping'), isCode('NOT_RUNNING'));
    const server = await serve(dir);
    assert.equal((await controlRequest(socketPath, 'GET', '/ping')).status, 200);
    assert.equal(readFileSync(server.pidPath, 'utf8').trim(), String(process.pid), 'the stale pid file is replaced');
  });

  test('a file at the socket path that is not a socket is not deleted', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const { socketPath } = controlPaths(dir);
    writeFileSync(socketPath, 'not a socket');
    await assert.rejects(probeSocket(socketPath), isCode('NOT_A_SOCKET', /is not a socket/));
    await assert.rejects(startControlServer(createControlApp(), { stateDir: dir }), isCode('NOT_A_SOCKET'));
    assert.equal(readFileSync(socketPath, 'utf8'), 'not a socket');
  });

  test('a state dir too deep for a unix socket path gets a clear error', async () => {
    const deep = join(tmp, 'x'.repeat(120));
    await assert.rejects(startControlServer(createControlApp(), { stateDir: deep }), isCode('PATH_TOO_LONG', /use a shorter --dir/));
  });
});
