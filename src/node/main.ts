// `raft-sup node`: flags → NodeConfig (validated once, here) → startNode → run until a signal, the
// supervisor's lifeline, or a fatal storage error.
import { UsageError } from '../shared/cli-errors.js';
import { EXIT_CORRUPT_STORAGE, StorageCorruptionError, StorageIdentityError } from '../storage/index.js';
import { watchLifeline } from '../shared/lifeline.js';
import { NODE_DEFAULTS, intFlag, parseMembers, validateNodeConfig } from './config.js';
import type { NodeConfig } from './config.js';
import { startNode } from './node.js';

/** The flags as commander hands them over (strings, booleans). */
export interface NodeFlags {
  id?: string;
  port?: string;
  peers?: string;
  dataDir?: string;
  host?: string;
  token?: string;
  enableFaults?: boolean;
  lifeline?: boolean;
  clusterId?: string;
  tickMs?: string;
  electionTicks?: string;
  heartbeatTicks?: string;
  snapshotEvery?: string;
  snapshotKeep?: string;
  writeTimeoutMs?: string;
  readTimeoutMs?: string;
  peerTimeoutMs?: string;
  earlySend?: boolean;
  unsafeStaleReads?: boolean;
  logDir?: string;
  logLevel?: string;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;

/** Flags (+ RAFT_SUP_TOKEN) → a validated config; throws UsageError naming the flag. */
export function nodeConfigFromFlags(f: NodeFlags, env: Record<string, string | undefined> = {}): NodeConfig {
  const need = (v: string | undefined, flag: string, example: string): string => {
    if (v === undefined || v === '') throw new UsageError(`${flag} is required (e.g. ${flag} ${example})`);
    return v;
  };
  const id = intFlag('--id', need(f.id, '--id', '1'), 1, 999_999);
  const logLevel = f.logLevel ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new UsageError(`--log-level: expected one of ${LOG_LEVELS.join(', ')}, received ${logLevel}`);
  const config: NodeConfig = {
    id,
    port: intFlag('--port', need(f.port, '--port', '5001'), 0, 65_535),
    peers: parseMembers(need(f.peers, '--peers', '1=http://127.0.0.1:5001,2=http://127.0.0.1:5002,3=http://127.0.0.1:5003')),
    dataDir: need(f.dataDir, '--data-dir', `.raft-sup/node-${id}`),
    host: f.host ?? NODE_DEFAULTS.host,
    clusterId: f.clusterId ?? NODE_DEFAULTS.clusterId,
    token: f.token ?? (env.RAFT_SUP_TOKEN || undefined),
    enableFaults: f.enableFaults ?? false,
    lifeline: f.lifeline ?? false,
    tickMs: f.tickMs === undefined ? NODE_DEFAULTS.tickMs : intFlag('--tick-ms', f.tickMs, 1, 10_000),
    electionTicks: f.electionTicks === undefined ? NODE_DEFAULTS.electionTicks : intFlag('--election-ticks', f.electionTicks, 2, 10_000),
    heartbeatTicks: f.heartbeatTicks === undefined ? NODE_DEFAULTS.heartbeatTicks : intFlag('--heartbeat-ticks', f.heartbeatTicks, 1, 10_000),
    snapshotEvery: f.snapshotEvery === undefined ? NODE_DEFAULTS.snapshotEvery : intFlag('--snapshot-every', f.snapshotEvery, 0, 100_000_000),
    snapshotKeep: f.snapshotKeep === undefined ? NODE_DEFAULTS.snapshotKeep : intFlag('--snapshot-keep', f.snapshotKeep, 0, 100_000_000),
    writeTimeoutMs: f.writeTimeoutMs === undefined ? NODE_DEFAULTS.writeTimeoutMs : intFlag('--write-timeout-ms', f.writeTimeoutMs, 10, 600_000),
    readTimeoutMs: f.readTimeoutMs === undefined ? NODE_DEFAULTS.readTimeoutMs : intFlag('--read-timeout-ms', f.readTimeoutMs, 10, 600_000),
    peerTimeoutMs: f.peerTimeoutMs === undefined ? NODE_DEFAULTS.peerTimeoutMs : intFlag('--peer-timeout-ms', f.peerTimeoutMs, 10, 600_000),
    earlySend: f.earlySend ?? NODE_DEFAULTS.earlySend,
    unsafeStaleReads: f.unsafeStaleReads ?? false,
    logDir: f.logDir,
    logLevel: logLevel as NodeConfig['logLevel'],
  };
  validateNodeConfig(config);
  return config;
}

/** Runs a node in this process until it is told to stop. Sets process.exitCode on failure. */
export async function runNode(config: NodeConfig): Promise<void> {
  let node: Awaited<ReturnType<typeof startNode>>;
  try {
    node = await startNode(config, {
      onFatal: (err) => {
        process.stderr.write(`raft-sup node ${config.id}: fatal: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(err instanceof StorageCorruptionError ? EXIT_CORRUPT_STORAGE : 1);
      },
    });
  } catch (err) {
    if (err instanceof StorageCorruptionError) {
      process.stderr.write(`raft-sup node ${config.id}: ${err.message}\nRefusing to start on damaged data (exit ${EXIT_CORRUPT_STORAGE}).\n`);
      process.exitCode = EXIT_CORRUPT_STORAGE;
      return;
    }
    if (err instanceof StorageIdentityError) throw new UsageError(err.message);
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${config.port} on ${config.host} is already in use (another node or program listens there)`);
    if (code === 'EADDRNOTAVAIL') throw new UsageError(`--host ${config.host} is not an address of this machine`);
    if (code === 'EACCES') throw new UsageError(`not allowed to listen on ${config.host}:${config.port} or to write ${config.dataDir}`);
    throw err;
  }
  let stopping = false;
  const stop = (why: string): Promise<void> => {
    if (stopping) return Promise.resolve();
    stopping = true;
    node.log.info(`stopping (${why})`);
    return node.close();
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    void stop(sig).then(() => process.exit(0));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  if (config.lifeline) watchLifeline({ onLost: (reason) => stop(reason) });
}
