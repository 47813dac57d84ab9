// Assembles one node from its config — storage → state machine → core → transport → driver → HTTP
// app — and starts it. The constructor-names-every-dependency shape of hashicorp/raft, in one place.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { KvStateMachine } from '../kv/index.js';
import { Raft, raftConfig } from '../raft/index.js';
import { createLogger } from '../shared/index.js';
import { openStorage } from '../storage/index.js';
import type { RaftStorage } from '../storage/index.js';
import { buildNodeApp } from './app.js';
import type { NodeConfig } from './config.js';
import type { NodeContext } from './context.js';
import { NodeDriver } from './driver.js';
import { FaultFilter } from './fault-filter.js';
import { HttpTransport } from './http-transport.js';
import { SnapshotReceiver } from './snapshot-receiver.js';
import { lockDataDir } from './data-dir-lock.js';
import { join } from 'node:path';

export interface RunningNode {
  readonly config: NodeConfig;
  readonly app: FastifyInstance;
  readonly driver: NodeDriver;
  readonly faults: FaultFilter;
  readonly storage: RaftStorage;
  /** The URL the server actually listens on. */
  readonly url: string;
  readonly log: Logger;
  /** Stops everything (idempotent); storage is closed last, after the driver's last save. */
  close(): Promise<void>;
}

export interface StartNodeOptions {
  /** Defaults to a logger with the node id bound, stdout lines and the per-node errors file. */
  readonly log?: Logger;
  /** Storage or state machine failed at run time: the node cannot continue (main exits). */
  readonly onFatal?: (err: unknown) => void;
}

/**
 * WAL segment size. Compaction deletes whole segments, and opening storage replays every segment
 * left, so this bounds a restart's replay: with 64 MiB segments (the storage default, etcd's) a node
 * that had taken 150,000 writes of 100 bytes replayed all of them at every start (~90 ms of a
 * restart); with 2 MiB it replays about the entries since the compaction point, ~20,000. A segment
 * roll costs a file creation and two fsyncs every ~15,000 such writes.
 */
export const WAL_SEGMENT_BYTES = 2 * 1024 * 1024;

/** Default location of the per-node warnings-and-errors file. */
export function errorFileOf(config: NodeConfig): string {
  return join(config.logDir ?? config.dataDir, `node-${config.id}.errors.log`);
}

export async function startNode(config: NodeConfig, opts: StartNodeOptions = {}): Promise<RunningNode> {
  // performance.now() counts from the start of this process: the start-up phases, for the log line.
  const tCode = performance.now();
  const log = opts.log ?? createLogger({ bindings: { node: config.id }, level: config.logLevel, errorFile: errorFileOf(config) });
  const unlock = await lockDataDir(config.dataDir);
  let storage: RaftStorage;
  try {
    storage = await openStorage({
      dir: config.dataDir,
      nodeId: config.id,
      clusterId: config.clusterId,
      segmentBytes: WAL_SEGMENT_BYTES,
      log: (level, msg) => log[level](msg),
    });
  } catch (err) {
    await unlock();
    throw err;
  }
  const tStorage = performance.now();
  const initial = storage.initial;
  const sm = initial.snapshot ? KvStateMachine.restore(initial.snapshot.data) : new KvStateMachine();
  const voters = [...config.peers.keys()];
  const raft = new Raft(
    raftConfig(config.id, voters, (n) => Math.floor(Math.random() * n), {
      electionTick: config.electionTicks,
      heartbeatTick: config.heartbeatTicks,
    }),
    initial,
  );
  const faults = new FaultFilter();
  const transport = new HttpTransport({ self: config.id, peers: config.peers, token: config.token, timeoutMs: config.peerTimeoutMs, faults, log });
  let fatal = false;
  const onFatal = (err: unknown): void => {
    if (fatal) return;
    fatal = true;
    if (opts.onFatal) opts.onFatal(err);
    else log.fatal({ err }, 'node cannot continue');
  };
  const driver = new NodeDriver(
    {
      id: config.id,
      voters,
      tickMs: config.tickMs,
      electionTick: config.electionTicks,
      snapshotEvery: config.snapshotEvery,
      snapshotKeep: config.snapshotKeep,
      writeTimeoutMs: config.writeTimeoutMs,
      readTimeoutMs: config.readTimeoutMs,
      earlySend: config.earlySend,
      urlOf: (id) => config.peers.get(id),
    },
    {
      raft,
      sm,
      storage,
      transport,
      restoreStateMachine: (data) => KvStateMachine.restore(data),
      log,
      onFatal,
      snapshotIndex: initial.snapshot?.meta.index ?? 0,
    },
  );
  const snapshots = new SnapshotReceiver((id) => storage.beginIncomingSnapshot(id), log);
  const storageStats = (): { fsyncs: number; walBytes: number; segments: number } => {
    const st = storage.stats();
    return { fsyncs: st.fsyncs, walBytes: st.walBytes, segments: st.segments };
  };
  const ctx: NodeContext = { config, driver, faults, snapshots, log, startedAt: performance.now(), storageStats };
  const app = buildNodeApp(ctx);
  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await Promise.all([transport.close(), snapshots.close(), storage.close()]);
    await unlock();
    throw err;
  }
  driver.start();
  transport.announce();
  const st = raft.status();
  const spareTakenAt = (globalThis as Record<symbol, unknown>)[Symbol.for('raft-sup.spareTakenAt')];
  const since = typeof spareTakenAt === 'number' ? spareTakenAt : 0;
  const startup = startupPhases(since, tCode, tStorage, performance.now());
  log.info(
    { url: address, term: st.term, firstIndex: st.firstIndex, lastIndex: st.lastIndex, snapshot: st.snapshotIndex, startup, warmSpare: since > 0 },
    `node ${config.id} listening on ${address} (term ${st.term}, log ${st.firstIndex}..${st.lastIndex}, snapshot ${st.snapshotIndex}; ` +
      `up ${startup.totalMs} ms after ${since > 0 ? 'its warm spare process was given its arguments' : 'the process started'}: ` +
      `code ${startup.codeMs}, storage ${startup.storageMs}, the rest ${startup.restMs})`,
  );
  if (config.unsafeStaleReads) log.warn('--unsafe-stale-reads: every read is served from local state and may be stale');
  if (config.enableFaults) log.info('fault injection enabled (admin endpoints on loopback)');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await driver.stop();
      await app.close().catch(() => undefined);
      await Promise.all([transport.close(), snapshots.close()]);
      await storage.close().catch(() => undefined);
      await unlock();
    })();
    return closing;
  };
  return { config, app, driver, faults, storage, url: address, log, close };
}

/** Milliseconds from `since` (process start, or a warm spare being taken) to loaded code, to opened storage, to listening. */
function startupPhases(since: number, tCode: number, tStorage: number, tListening: number): { totalMs: number; codeMs: number; storageMs: number; restMs: number } {
  const r = (x: number): number => Math.round(x);
  return { totalMs: r(tListening - since), codeMs: r(tCode - since), storageMs: r(tStorage - tCode), restMs: r(tListening - tStorage) };
}
