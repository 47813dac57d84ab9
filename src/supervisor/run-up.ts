// `raft-sup up`: the three ways a supervisor runs.
// - foreground: this process IS the supervisor; every child's output streams to the terminal;
//   Ctrl+C (SIGINT) or SIGTERM stops everything gracefully and returns 0.
// - detach (-d): spawn the supervisor in its own session (output to logs/supervisor.log), show
//   progress until a leader is elected and a write commits through the proxy, print the table, return.
// - daemon (internal, what -d spawns): the supervisor without a terminal.
// Preflight (before anything is spawned): a live supervisor in the dir, a socket path too long, a
// busy port — each one clear line (SupervisorError → exit 2).
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logsDir, SUPERVISOR_LOG, type ClusterSpec } from './cluster-spec.js';
import { ControlSocketError, controlPaths, probeSocket, readPidFile } from './control-socket.js';
import { SupervisorError } from './errors.js';
import type { TextSink } from './log-mux.js';
import { assertPortsFree } from './port-check.js';
import { createProgress } from './progress.js';
import type { ReadyState } from './readiness.js';
import { renderStatusSummary, renderStatusTable } from '../shared/status-table.js';
import { Supervisor } from './supervisor.js';
import { SupervisorClient } from './supervisor-client.js';

export interface UpOptions {
  spec: ClusterSpec;
  cliEntry: string;
  out: TextSink;
  err: TextSink;
  color: boolean;
  tty: boolean;
  /** How long to wait for readiness (default 60 s). */
  readyTimeoutMs?: number;
  stopGraceMs?: number;
  /** Warm spares for nodes that are down (child-process.ts); off by default. */
  warmSpares?: boolean;
}

// sun_path limit (see control-socket.ts); checked here too so -d fails before spawning anything.
const MAX_SOCKET_PATH = process.platform === 'linux' ? 107 : 103;

/** Refuse early: a live supervisor in the dir, a socket path too long, a busy port. */
export async function preflight(spec: ClusterSpec): Promise<void> {
  const { socketPath, pidPath } = controlPaths(spec.dir);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new SupervisorError('USAGE', `--dir ${spec.dir} is too deep: the control socket path would be ${Buffer.byteLength(socketPath)} bytes, unix sockets allow ${MAX_SOCKET_PATH}; use a shorter --dir`);
  }
  let probe;
  try {
    probe = await probeSocket(socketPath);
  } catch (err) {
    throw new SupervisorError('USAGE', err instanceof Error ? err.message : String(err));
  }
  if (probe === 'live') {
    const pid = readPidFile(pidPath);
    throw new SupervisorError('USAGE', `a cluster is already running in ${spec.dir} (pid ${pid ?? 'unknown'}); stop it with \`raft-sup down --dir ${spec.dir}\``);
  }
  await assertPortsFree(spec);
}

/** Foreground: run until Ctrl+C / SIGTERM, streaming logs. Resolves with the exit code. */
export async function runForeground(opts: UpOptions): Promise<number> {
  await preflight(opts.spec);
  const sup = await startOrExplain({ ...opts, terminal: { out: opts.out, color: opts.color } });
  const stop = onStopSignals(sup);
  void sup.ready.then((s) => {
    if (s.phase === 'ready') sup.log(`Ctrl+C stops the cluster; from another terminal: raft-sup status${dirFlag(opts.spec)}`);
    else sup.log(`the cluster is not ready (${s.error ?? s.detail}); it keeps running: Ctrl+C stops it`);
  });
  await sup.closed;
  stop();
  return 0;
}

/** The detached supervisor itself (spawned by `up -d`): no terminal; exits when `down` or SIGTERM stops it. */
export async function runDaemon(opts: UpOptions): Promise<number> {
  await preflight(opts.spec);
  const sup = await startOrExplain(opts);
  process.on('SIGHUP', () => undefined); // no terminal to hang up on, but never die from one
  const stop = onStopSignals(sup);
  await sup.closed;
  stop();
  return 0;
}

/** `up -d`: spawn the daemon, show progress until ready, print the table. Resolves with the exit code. */
export async function runDetached(opts: UpOptions, daemonArgs: readonly string[]): Promise<number> {
  await preflight(opts.spec);
  const logPath = join(logsDir(opts.spec.dir), SUPERVISOR_LOG);
  mkdirSync(logsDir(opts.spec.dir), { recursive: true });
  const fd = openSync(logPath, 'a');
  let child;
  try {
    child = spawn(process.execPath, [opts.cliEntry, ...daemonArgs], { detached: true, stdio: ['ignore', fd, fd], cwd: process.cwd() });
  } finally {
    closeSync(fd);
  }
  let exited: string | null = null;
  child.once('exit', (code, signal) => { exited = signal !== null ? `was killed by ${signal}` : `exited with code ${String(code)}`; });
  child.once('error', (e) => { exited = `could not start (${e.message})`; });
  child.unref();

  const progress = createProgress(opts.err, opts.tty);
  const client = new SupervisorClient(opts.spec.dir);
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000) + 15_000;
  let state: ReadyState | null = null;
  progress.update(`starting the supervisor (pid ${child.pid ?? '?'})`);
  for (;;) {
    if (exited !== null) {
      progress.done();
      const why = lastLines(logPath, 5).filter((l) => l.startsWith('raft-sup:')).pop() ?? lastLines(logPath, 1).join('');
      throw new SupervisorError('STARTUP_FAILED', `the supervisor ${exited} while starting${why ? `: ${why.replace(/^raft-sup: /, '')}` : ''} (see ${logPath})`);
    }
    if (Date.now() > deadline) {
      progress.done();
      throw new SupervisorError('NOT_READY', `the supervisor did not report readiness in time (see ${logPath}); stop it with \`raft-sup down${dirFlag(opts.spec)}\``);
    }
    try {
      state = await client.ready();
    } catch (err) {
      if (!(err instanceof SupervisorError && err.code === 'NOT_RUNNING')) throw err;
      state = null; // not listening yet
    }
    if (state !== null) {
      if (state.phase === 'ready' || state.phase === 'failed') break;
      progress.update(state.detail);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const status = await client.status();
  if (state.phase === 'failed') {
    progress.done();
    opts.out.write(`${renderStatusTable(status, { color: opts.color })}\n`);
    throw new SupervisorError('NOT_READY', `${state.error ?? state.detail}; the cluster keeps running: see \`raft-sup logs${dirFlag(opts.spec)}\`, stop it with \`raft-sup down${dirFlag(opts.spec)}\``);
  }
  progress.done(`raft-sup: cluster ready in ${(state.elapsedMs / 1000).toFixed(1)} s (supervisor pid ${child.pid ?? '?'}, state in ${opts.spec.dir})`);
  opts.out.write(`${renderStatusTable(status, { color: opts.color })}\n${renderStatusSummary(status)}\n`);
  opts.out.write(`proxy: http://${opts.spec.host}:${opts.spec.proxyPort} · stop with \`raft-sup down${dirFlag(opts.spec)}\`\n`);
  return 0;
}

async function startOrExplain(opts: UpOptions & { terminal?: { out: TextSink; color: boolean } }): Promise<Supervisor> {
  try {
    const base = { spec: opts.spec, cliEntry: opts.cliEntry };
    return await Supervisor.start({
      ...base,
      ...(opts.terminal ? { terminal: opts.terminal } : {}),
      ...(opts.readyTimeoutMs !== undefined ? { readyTimeoutMs: opts.readyTimeoutMs } : {}),
      ...(opts.stopGraceMs !== undefined ? { stopGraceMs: opts.stopGraceMs } : {}),
      warmSpares: opts.warmSpares !== false,
    });
  } catch (err) {
    if (err instanceof ControlSocketError) throw new SupervisorError('USAGE', err.message);
    throw err;
  }
}

/** SIGINT/SIGTERM → graceful down; returns the function that removes the handlers. */
function onStopSignals(sup: Supervisor): () => void {
  let count = 0;
  const handler = (sig: NodeJS.Signals): void => {
    count += 1;
    if (count === 1) {
      sup.log(`${sig}: stopping every process (SIGTERM, SIGKILL after the grace period)`);
      void sup.down();
    } else {
      sup.log(`${sig} again: still stopping, please wait`);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

function dirFlag(spec: ClusterSpec): string {
  return spec.dir === join(process.cwd(), '.raft-sup') ? '' : ` --dir ${spec.dir}`;
}

function lastLines(path: string, n: number): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(-n);
  } catch {
    return [];
  }
}
