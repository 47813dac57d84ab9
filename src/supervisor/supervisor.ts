// The supervisor: owns the node and proxy children of one cluster, knows each one's desired and
// actual state, streams their output, and obeys the CLI over the control socket.
//
// Reads like a table of contents: start() claims the state dir (control socket), spawns every
// child, and kicks off the readiness wait; status()/act()/partition()/heal() serve the CLI;
// down() stops everything and releases the dir. Process operations live in process-actions.ts,
// the HTTP surface in control-routes.ts.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { KvClient } from '../client/index.js';
import type { FaultSpec } from '../shared/index.js';
import { ManagedChild } from './child-process.js';
import {
  childSpecs, CLUSTER_LOG, logsDir, nodeIds, nodeUrl, proxyUrl, saveCluster, type ClusterSpec,
} from './cluster-spec.js';
import { mergeStatus, type Probe, type StatusChild } from './cluster-status.js';
import { createControlApp, startControlServer, type ControlServer } from './control-socket.js';
import { registerControlRoutes } from './control-routes.js';
import { LogMux, type TextSink } from './log-mux.js';
import { describeGroups, faultsForPartition, partitionGroups } from './network-faults.js';
import { OutputTail } from './output-tail.js';
import { runProcessAction, type ActionResult, type ProcessAction } from './process-actions.js';
import { awaitReady, READY_KEY, type ReadyState } from './readiness.js';
import type { ClusterStatus } from '../shared/status-table.js';
import { resolveTarget } from './targets.js';
import type { SignalName } from './process-group.js';

export interface SupervisorOptions {
  spec: ClusterSpec;
  /** The compiled CLI entry the children run (`dist/src/cli/main.js`). */
  cliEntry: string;
  /** Foreground `up`: every child's output, prefixed, on this sink. */
  terminal?: { out: TextSink; color: boolean };
  /** SIGTERM → SIGKILL grace per child on stop/down (default 5000 ms). */
  stopGraceMs?: number;
  /** How long to wait for a leader and a committed write (default 60 s). */
  readyTimeoutMs?: number;
  /** Per-process /status deadline for `status` (default 1000 ms). */
  statusTimeoutMs?: number;
  /** For `random` / `follower` targets; seeded by scenarios. */
  random?: () => number;
  /**
   * Keep a warm spare for every node that is down (on unless false; `up --no-warm-spares`): a
   * restarted node then answers in ~50 ms instead of ~150–250 ms of Node start-up. (It was opt-in
   * while an extra election after fast restarts under heavy CPU contention was unexplained; with
   * the stream transport that stress test failed 1 of 42 runs with spares, against 2–5 of 21: README.)
   */
  warmSpares?: boolean;
}

/** A child plus what the supervisor knows about it. */
export interface SupervisedChild {
  child: ManagedChild;
  kind: 'node' | 'proxy';
  id: number | null;
  url: string;
  client: KvClient;
  tail: OutputTail;
}

const SUPERVISOR_NAME = 'raft-sup';
/**
 * How long after a node went down its warm spare is started (child-process.ts): not at once, so
 * that the spare's own start-up does not take CPU from the election or failover that usually
 * follows a crash; a node restarted sooner simply starts the ordinary way.
 */
export const SPARE_DELAY_MS = 1000;

export class Supervisor {
  readonly spec: ClusterSpec;
  readonly children: readonly SupervisedChild[];
  readonly random: () => number;
  readonly startedAt = Date.now();
  /** Settles when the supervisor has stopped everything and released its state dir. */
  readonly closed: Promise<void>;
  #resolveClosed!: () => void;
  readonly #opts: SupervisorOptions;
  readonly #muxes: LogMux[] = [];
  readonly #clusterLog: WriteStream;
  readonly #abort = new AbortController();
  #server: ControlServer | null = null;
  #ready: ReadyState = { phase: 'starting', detail: 'starting', elapsedMs: 0, leader: null, term: null };
  #readyPromise: Promise<ReadyState> | null = null;
  #partition: number[][] | null = null;
  #down: Promise<string[]> | null = null;
  #closing: Promise<void> | null = null;
  readonly #spareTimers = new Set<NodeJS.Timeout>();

  /** Claim the state dir, spawn every child, start waiting for readiness. Throws ControlSocketError / ChildStartError. */
  static async start(opts: SupervisorOptions): Promise<Supervisor> {
    const sup = new Supervisor(opts);
    try {
      await sup.#listen();
    } catch (err) {
      await sup.#closeLogs();
      throw err;
    }
    saveCluster(opts.spec);
    sup.#log(`supervisor pid ${process.pid} starting ${opts.spec.nodes} nodes (ports ${opts.spec.basePort}..${opts.spec.basePort + opts.spec.nodes - 1}) and the proxy (port ${opts.spec.proxyPort}) in ${opts.spec.dir}`);
    // Start everything at once: nodes elect among themselves, the proxy finds the leader later.
    await Promise.allSettled(sup.children.map((c) => c.child.start()));
    sup.#readyPromise = awaitReady({
      status: () => sup.status(),
      crashed: () => sup.#startupCrash(),
      writeThroughProxy: async () => { await sup.#proxy().client.put(READY_KEY, new Date().toISOString(), { timeoutMs: 3000 }); },
      signal: sup.#abort.signal,
      timeoutMs: opts.readyTimeoutMs ?? 60_000,
      onChange: (s) => {
        sup.#ready = s;
        if (s.phase === 'ready') sup.#log(`${s.detail} (${(s.elapsedMs / 1000).toFixed(1)} s)`);
        if (s.phase === 'failed') sup.#log(`not ready: ${s.error ?? s.detail}`);
      },
    });
    return sup;
  }

  private constructor(opts: SupervisorOptions) {
    this.#opts = opts;
    this.spec = opts.spec;
    this.random = opts.random ?? Math.random;
    this.closed = new Promise((r) => { this.#resolveClosed = r; });
    const dir = logsDir(opts.spec.dir);
    mkdirSync(dir, { recursive: true });
    this.#clusterLog = createWriteStream(join(dir, CLUSTER_LOG), { flags: 'a' });
    this.#clusterLog.on('error', () => undefined); // a full disk must not take the cluster down
    this.#muxes.push(new LogMux({ out: { write: (t: string) => this.#clusterLog.write(t) }, color: false, logsDir: dir }));
    if (opts.terminal !== undefined) this.#muxes.push(new LogMux({ out: opts.terminal.out, color: opts.terminal.color }));
    const specs = childSpecs(opts.spec, opts.cliEntry, opts.stopGraceMs, { warmSpares: opts.warmSpares !== false });
    const ids = nodeIds(opts.spec);
    this.children = specs.map((childSpec, i) => {
      const id = ids[i] ?? null;
      const url = id === null ? proxyUrl(opts.spec) : nodeUrl(opts.spec, id);
      const sc: SupervisedChild = {
        child: new ManagedChild(childSpec),
        kind: id === null ? 'proxy' : 'node',
        id,
        url,
        client: new KvClient(url, { timeoutMs: 3000, connections: 4 }),
        tail: new OutputTail(),
      };
      this.#wire(sc);
      return sc;
    });
    for (const m of this.#muxes) {
      for (const c of this.children) m.register(c.child.name);
      m.register(SUPERVISOR_NAME);
    }
  }

  /** Startup progress (GET /ready). */
  get readyState(): ReadyState { return this.#ready; }
  /** Settles once the cluster is ready or readiness failed. */
  get ready(): Promise<ReadyState> { return this.#readyPromise ?? Promise.resolve(this.#ready); }
  get partition(): number[][] | null { return this.#partition; }
  get socketPath(): string | null { return this.#server?.socketPath ?? null; }

  byName(name: string): SupervisedChild | undefined {
    return this.children.find((c) => c.child.name === name);
  }

  /** Every child's state merged with each live process's /status (SPEC `status --json`). */
  async status(): Promise<ClusterStatus> {
    const timeoutMs = this.#opts.statusTimeoutMs ?? 1000;
    const probes = new Map<string, Probe>();
    await Promise.all(this.children.map(async (c) => {
      if (c.child.state !== 'running') return;
      try {
        probes.set(c.child.name, c.kind === 'node' ? await c.client.nodeStatus({ timeoutMs }) : await c.client.status({ timeoutMs }));
      } catch {
        probes.set(c.child.name, null);
      }
    }));
    const rows: StatusChild[] = this.children.map((c) => ({ snapshot: c.child.snapshot(), kind: c.kind, id: c.id, url: c.url }));
    return mergeStatus(rows, probes, this.#partition);
  }

  /** Names a TARGET stands for right now (role targets resolve against live /status). */
  async resolve(target: string): Promise<string[]> {
    return resolveTarget(target, (await this.status()).processes, this.random);
  }

  /** kill / stop / start / restart / pause / resume a TARGET; one result per process. */
  act(action: ProcessAction, target: string, signal?: SignalName): Promise<ActionResult[]> {
    return runProcessAction(this, action, target, signal);
  }

  /** Cut node-to-node traffic between groups (each a TARGET); replaces any earlier partition. */
  async partitionInto(groupTargets: readonly string[]): Promise<{ groups: number[][]; message: string }> {
    const status = await this.status();
    const groups = partitionGroups(groupTargets, status.processes, this.random);
    this.#partition = groups;
    await this.#applyFaultsEverywhere();
    const message = `partitioned: ${describeGroups(groups)} (node-to-node traffic between groups is dropped)`;
    this.#log(message);
    return { groups, message };
  }

  /** Cut TARGET off from every other node. */
  async isolate(target: string): Promise<{ groups: number[][]; message: string; isolated: string[] }> {
    const status = await this.status();
    const names = resolveTarget(target, status.processes, this.random);
    const { groups } = await this.partitionInto([names.join(',')]);
    const message = `isolated ${names.join(', ')}: ${describeGroups(groups)}`;
    return { groups, message, isolated: names };
  }

  /** Restore every link. */
  async heal(): Promise<{ message: string }> {
    this.#partition = null;
    await this.#applyFaultsEverywhere();
    const message = 'healed: every node-to-node link restored';
    this.#log(message);
    return { message };
  }

  /** Bring one node's fault filter in line with the current partition (after start / resume). */
  async syncFaults(c: SupervisedChild): Promise<void> {
    if (c.kind !== 'node' || c.id === null || c.child.state !== 'running') return;
    const spec: Partial<FaultSpec> | undefined = this.#partition === null ? undefined : faultsForPartition(this.#partition).get(c.id);
    if (spec === undefined) await c.client.heal({ timeoutMs: 2000 });
    else await c.client.setFaults(spec, { timeoutMs: 2000 });
  }

  /** Wait until a node answers /status (after a start), then re-apply the partition to it. */
  async afterStart(c: SupervisedChild, timeoutMs = 15_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && c.child.state === 'running') {
      try {
        await c.client.status({ timeoutMs: 1000 });
        if (this.#partition !== null) await this.syncFaults(c).catch(() => undefined);
        return true;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return false;
  }

  /** A supervisor-level line in the logs (`raft-sup │ ...`). */
  log(text: string): void { this.#log(text); }

  /** Stop every child (SIGTERM, SIGKILL after the grace period); resolves with their names. */
  stopChildren(): Promise<string[]> {
    this.#down ??= (async () => {
      this.#abort.abort();
      for (const t of this.#spareTimers) clearTimeout(t);
      this.#spareTimers.clear();
      this.#log('stopping every process');
      await Promise.allSettled(this.children.map((c) => c.child.disposeSpare({ retire: true })));
      await Promise.allSettled(this.children.map((c) => c.child.stop()));
      return this.children.map((c) => c.child.name);
    })();
    return this.#down;
  }

  /** stopChildren, then release the socket and pid file and close the logs; resolves `closed`. */
  down(): Promise<void> {
    this.#closing ??= (async () => {
      await this.stopChildren();
      await Promise.allSettled(this.children.map((c) => c.client.close()));
      await this.#server?.close().catch(() => undefined);
      this.#log('stopped; control socket removed');
      await this.#closeLogs();
      this.#resolveClosed();
    })();
    return this.#closing;
  }

  async #listen(): Promise<void> {
    const app = createControlApp();
    registerControlRoutes(app, this);
    this.#server = await startControlServer(app, { stateDir: this.spec.dir });
  }

  #wire(sc: SupervisedChild): void {
    const name = sc.child.name;
    for (const m of this.#muxes) m.attach(name, sc.child);
    sc.child.on('output', (chunk) => sc.tail.push(chunk));
    sc.child.on('exit', () => this.#scheduleSpare(sc));
    let previous = sc.child.state;
    sc.child.on('state', (snap) => {
      const from = previous;
      previous = snap.state;
      if (snap.state === 'running' && from === 'paused') this.#note(name, 'resumed (SIGCONT)');
      else if (snap.state === 'running') this.#note(name, `started (pid ${snap.pid ?? '?'})`);
      else if (snap.state === 'paused') this.#note(name, 'paused (SIGSTOP)');
      else if (snap.state === 'stopped' && from !== 'stopped') this.#note(name, snap.lastExit?.escalated ? 'stopped (SIGKILL after the grace period)' : 'stopped');
      else if (snap.state === 'crashed') {
        const how = snap.label.replace(/^crashed /, '');
        this.#note(name, snap.lastExit?.requested ? `killed ${how}` : `crashed unexpectedly ${how}`);
      }
    });
  }

  #scheduleSpare(sc: SupervisedChild): void {
    if (this.#down !== null || this.#opts.warmSpares === false) return;
    const t = setTimeout(() => {
      this.#spareTimers.delete(t);
      if (this.#down === null && sc.child.pid === null) void sc.child.prewarm().catch(() => false);
    }, SPARE_DELAY_MS);
    t.unref();
    this.#spareTimers.add(t);
  }

  #proxy(): SupervisedChild {
    const p = this.children.find((c) => c.kind === 'proxy');
    if (p === undefined) throw new Error('the cluster has no proxy');
    return p;
  }

  #startupCrash(): string | null {
    for (const c of this.children) {
      const snap = c.child.snapshot();
      if (snap.state !== 'crashed') continue;
      const words = c.tail.last(3).join(' / ');
      return `${c.child.name} ${snap.label.replace(/^crashed/, 'crashed during startup')}${words ? `: ${words}` : ''}`;
    }
    return null;
  }

  async #applyFaultsEverywhere(): Promise<void> {
    // Paused or stopped nodes are brought in line when they resume or start (syncFaults).
    await Promise.all(this.children.map((c) => this.syncFaults(c).catch((err: unknown) => {
      this.#log(`could not update the fault filter of ${c.child.name}: ${err instanceof Error ? err.message : String(err)}`);
    })));
  }

  #note(name: string, text: string): void {
    for (const m of this.#muxes) m.note(name, text);
  }

  #log(text: string): void {
    for (const m of this.#muxes) m.write(SUPERVISOR_NAME, `${text}\n`);
  }

  async #closeLogs(): Promise<void> {
    await Promise.allSettled(this.#muxes.map((m) => m.close()));
    await new Promise<void>((resolve) => this.#clusterLog.end(() => resolve()));
  }
}
