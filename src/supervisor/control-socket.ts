// The supervisor's control channel: fastify on a unix socket in the state dir; undici on the CLI side.
//
// A unix socket file outlives the process that bound it when that process is SIGKILLed. Telling a
// leftover file from a live supervisor (overmind's most-filed complaint) is a connect():
// accepted → live (even a SIGSTOPped supervisor: the kernel completes the connection from the
// listen backlog), ECONNREFUSED → stale, ENOENT → absent. A stale file is removed and replaced.
// The socket is chmod 0600: only the user who started the cluster may drive it.
//
// Residual race, documented rather than locked away: two supervisors that find the same stale
// file in the same instant may both remove it and bind; the second bind wins the path. With a
// live supervisor there is no race: bind fails with EADDRINUSE and the probe says "live".
import { chmodSync, lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { Client } from 'undici';

export const SOCKET_FILE = 'supervisor.sock';
export const PID_FILE = 'supervisor.pid';

/** Result of probing a socket path. */
export type SocketProbe = 'live' | 'stale' | 'absent';

export type ControlSocketErrorCode = 'ALREADY_RUNNING' | 'NOT_RUNNING' | 'PATH_TOO_LONG' | 'NOT_A_SOCKET' | 'SOCKET_ERROR';

/** Environment problems with the control socket; the CLI prints `.message` and exits 2. */
export class ControlSocketError extends Error {
  override readonly name = 'ControlSocketError';
  constructor(readonly code: ControlSocketErrorCode, message: string) {
    super(message);
  }
}

/** Where a state dir keeps its socket and pid file (absolute paths). */
export function controlPaths(stateDir: string): { stateDir: string; socketPath: string; pidPath: string } {
  const dir = resolve(stateDir);
  return { stateDir: dir, socketPath: join(dir, SOCKET_FILE), pidPath: join(dir, PID_FILE) };
}

// sun_path is 108 bytes on Linux and 104 on the BSDs/macOS, including the terminating NUL.
const MAX_SOCKET_PATH = process.platform === 'linux' ? 107 : 103;

/** 'live' if something accepts a connection, 'stale' if the file refuses, 'absent' if no file. */
export async function probeSocket(socketPath: string, timeoutMs = 1000): Promise<SocketProbe> {
  try {
    if (!lstatSync(socketPath).isSocket()) {
      throw new ControlSocketError('NOT_A_SOCKET', `${socketPath} exists and is not a socket; move it away if it is not yours`);
    }
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 'absent';
    throw err;
  }
  return new Promise((resolvePromise, reject) => {
    const conn = createConnection({ path: socketPath });
    const done = (result: SocketProbe | Error): void => {
      clearTimeout(timer);
      conn.destroy();
      if (result instanceof Error) reject(result);
      else resolvePromise(result);
    };
    // No answer in time: something may hold it (a full backlog); never delete what we cannot prove dead.
    const timer = setTimeout(() => done('live'), timeoutMs);
    conn.once('connect', () => done('live'));
    conn.once('error', (err) => {
      const code = errnoCode(err);
      if (code === 'ECONNREFUSED') done('stale');
      else if (code === 'ENOENT') done('absent');
      else done(new ControlSocketError('SOCKET_ERROR', `cannot probe ${socketPath}: ${err.message}`));
    });
  });
}

/** The pid recorded next to the socket, or null if missing or unreadable. */
export function readPidFile(pidPath: string): number | null {
  try {
    const n = Number(readFileSync(pidPath, 'utf8').trim());
    return Number.isSafeInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** A fastify instance suited to the control socket (quiet; close() does not wait for idle clients). */
export function createControlApp(): FastifyInstance {
  return Fastify({ logger: false, forceCloseConnections: true });
}

/** A listening control server; close() removes the socket and the pid file. */
export interface ControlServer {
  app: FastifyInstance;
  socketPath: string;
  pidPath: string;
  close(): Promise<void>;
}

/**
 * Listen on `<stateDir>/supervisor.sock` with a ready-built app (routes registered by the caller).
 * Refuses with ControlSocketError('ALREADY_RUNNING') when a live supervisor owns the dir; replaces
 * a stale socket; writes `<stateDir>/supervisor.pid`.
 */
export async function startControlServer(app: FastifyInstance, options: { stateDir: string }): Promise<ControlServer> {
  const { stateDir, socketPath, pidPath } = controlPaths(options.stateDir);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new ControlSocketError('PATH_TOO_LONG', `the control socket path ${socketPath} is ${Buffer.byteLength(socketPath)} bytes; unix sockets allow ${MAX_SOCKET_PATH}: use a shorter --dir`);
  }
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const probe = await probeSocket(socketPath);
  if (probe === 'live') throw alreadyRunning(stateDir, pidPath);
  if (probe === 'stale') rmSync(socketPath, { force: true });
  try {
    await app.listen({ path: socketPath });
  } catch (err) {
    if (errnoCode(err) === 'EADDRINUSE') throw alreadyRunning(stateDir, pidPath);
    throw new ControlSocketError('SOCKET_ERROR', `cannot listen on ${socketPath}: ${err instanceof Error ? err.message : String(err)}`);
  }
  chmodSync(socketPath, 0o600);
  writeFileSync(pidPath, `${process.pid}\n`);
  let closing: Promise<void> | undefined;
  return {
    app,
    socketPath,
    pidPath,
    close: () => {
      closing ??= (async () => {
        await app.close();
        // Node unlinks the socket on close; be sure, and leave no pid file that is ours.
        rmSync(socketPath, { force: true });
        if (readPidFile(pidPath) === process.pid) rmSync(pidPath, { force: true });
      })();
      return closing;
    },
  };
}

function alreadyRunning(stateDir: string, pidPath: string): ControlSocketError {
  const pid = readPidFile(pidPath);
  return new ControlSocketError('ALREADY_RUNNING', `a cluster is already running in ${stateDir} (pid ${pid ?? 'unknown'}); stop it with \`raft-sup down --dir ${stateDir}\``);
}

/** A decoded reply from the supervisor. */
export interface ControlResponse {
  status: number;
  /** Parsed JSON when the reply is JSON, else the text. */
  body: unknown;
}

/**
 * One request to the supervisor over its socket. Throws ControlSocketError('NOT_RUNNING') with a
 * readable message when nothing listens there. `timeoutMs` bounds headers and body (default 60 s).
 */
export async function controlRequest(
  socketPath: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  options: { timeoutMs?: number } = {},
): Promise<ControlResponse> {
  const timeout = options.timeoutMs ?? 60_000;
  const client = new Client('http://raft-sup.local', { socketPath, headersTimeout: timeout, bodyTimeout: timeout });
  try {
    const res = await client.request({
      path: url,
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    const type = String(res.headers['content-type'] ?? '');
    let parsed: unknown = text;
    if (type.includes('json') && text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.statusCode, body: parsed };
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ECONNREFUSED') {
      throw new ControlSocketError('NOT_RUNNING', `no cluster is running in ${dirname(socketPath)} (nothing answers on ${socketPath}); start one with \`raft-sup up\``);
    }
    throw new ControlSocketError('SOCKET_ERROR', `talking to the supervisor on ${socketPath} failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await client.close().catch(() => undefined);
  }
}

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}
