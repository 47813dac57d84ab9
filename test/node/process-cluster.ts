// A real cluster for tests and benchmarks: N node processes (`node dist/src/cli/child-launch.js node ...`, as the supervisor starts them)
// on free loopback ports, each in its own data dir under one temp dir, started with --lifeline so
// they exit by themselves if this process dies; plus an optional in-process proxy.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { KvClient } from '../../src/client/index.js';
import type { NodeStatus } from '../../src/shared/index.js';
import { createLogger } from '../../src/shared/index.js';
import { startProxy } from '../../src/proxy/index.js';
import type { RunningProxy } from '../../src/proxy/index.js';
import { freePort, tempDir, waitFor } from './helpers.js';
import { NODE_RUNTIME_FLAGS } from '../../src/shared/runtime-flags.js';

/** What the supervisor runs for its children (the bundled node and proxy); RAFT_SUP_TEST_CLI=1 uses the full CLI instead. */
const CHILD = fileURLToPath(new URL('../../src/cli/child-launch.js', import.meta.url));
const MAIN = process.env.RAFT_SUP_TEST_CLI === '1' ? fileURLToPath(new URL('../../src/cli/main.js', import.meta.url)) : CHILD;

export interface ProcessClusterOptions {
  readonly nodes?: number;
  readonly snapshotEvery?: number;
  readonly snapshotKeep?: number;
  readonly extraArgs?: readonly string[];
  /** Options for the node runtime itself (e.g. --cpu-prof), placed before the script. */
  readonly nodeArgs?: readonly string[];
  /** The same for the proxy process. */
  readonly proxyNodeArgs?: readonly string[];
  /** Keep the last lines of each node's output (for failure messages and log checks). */
  readonly keepLines?: number;
}

interface Member {
  readonly id: number;
  readonly port: number;
  readonly url: string;
  child: ChildProcess | undefined;
  exited: Promise<void> | undefined;
  readonly lines: string[];
}

export class ProcessCluster {
  readonly members = new Map<number, Member>();
  readonly clients = new Map<number, KvClient>();
  proxy: RunningProxy | undefined;
  proxyClient: KvClient | undefined;
  #proxyChild: ChildProcess | undefined;
  #peers = '';

  private constructor(
    readonly dir: string,
    readonly o: ProcessClusterOptions,
    private readonly cleanupDir: () => Promise<void>,
  ) {}

  static async start(o: ProcessClusterOptions = {}): Promise<ProcessCluster> {
    const tmp = await tempDir('raft-sup-cluster-');
    const c = new ProcessCluster(tmp.dir, o, tmp.cleanup);
    try {
      const n = o.nodes ?? 3;
      for (let id = 1; id <= n; id++) {
        const port = await freePort();
        c.members.set(id, { id, port, url: `http://127.0.0.1:${port}`, child: undefined, exited: undefined, lines: [] });
        c.clients.set(id, new KvClient(`http://127.0.0.1:${port}`, { timeoutMs: 5000, connections: 16 }));
      }
      c.#peers = [...c.members.values()].map((m) => `${m.id}=${m.url}`).join(',');
      for (const id of c.members.keys()) c.startNode(id);
      // Generous: on a loaded 2-core machine, starting three Node processes can take many seconds.
      await c.waitForLeader(60_000);
    } catch (err) {
      await c.close();
      throw err;
    }
    return c;
  }

  get ids(): number[] {
    return [...this.members.keys()];
  }

  client(id: number): KvClient {
    const c = this.clients.get(id);
    if (!c) throw new Error(`no node ${id}`);
    return c;
  }

  /** Spawns node `id` (again) on its port with its data dir. */
  startNode(id: number): void {
    const m = this.members.get(id);
    if (!m) throw new Error(`no node ${id}`);
    if (m.child && m.child.exitCode === null && m.child.signalCode === null) throw new Error(`node ${id} is running`);
    const args = [
      MAIN, 'node', '--id', String(id), '--port', String(m.port), '--peers', this.#peers,
      '--data-dir', join(this.dir, `node-${id}`), '--enable-faults', '--lifeline', '--cluster-id', 'test',
      ...(this.o.snapshotEvery !== undefined ? ['--snapshot-every', String(this.o.snapshotEvery)] : []),
      ...(this.o.snapshotKeep !== undefined ? ['--snapshot-keep', String(this.o.snapshotKeep)] : []),
      ...(this.o.extraArgs ?? []),
    ];
    const child = spawn(process.execPath, [...NODE_RUNTIME_FLAGS, ...(this.o.nodeArgs ?? []), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    m.child = child;
    m.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const keep = this.o.keepLines ?? 400;
    const collect = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        m.lines.push(`${(performance.now() / 1000).toFixed(3)} ${line}`);
        if (m.lines.length > keep) m.lines.shift();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  }

  /** Sends `signal` to node `id` and waits for it to exit. */
  async kill(id: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const m = this.members.get(id);
    if (!m?.child || !m.exited) return;
    if (m.child.exitCode === null && m.child.signalCode === null) m.child.kill(signal);
    await m.exited;
  }

  running(id: number): boolean {
    const ch = this.members.get(id)?.child;
    return ch !== undefined && ch.exitCode === null && ch.signalCode === null;
  }

  async status(id: number, timeoutMs = 1000): Promise<NodeStatus | undefined> {
    try {
      return await this.client(id).nodeStatus({ timeoutMs });
    } catch {
      return undefined;
    }
  }

  /** Waits until one running node leads and every running node agrees on it. */
  async waitForLeader(timeoutMs = 30_000, exclude?: number): Promise<number> {
    return waitFor(
      'a leader all running nodes agree on',
      async () => {
        const ids = this.ids.filter((id) => this.running(id) && id !== exclude);
        const st = await Promise.all(ids.map((id) => this.status(id, 500)));
        const leaders = st.filter((s) => s?.role === 'leader');
        if (leaders.length !== 1) return undefined;
        const l = leaders[0] as NodeStatus;
        return st.every((s) => s?.leader?.id === l.id) ? l.id : undefined;
      },
      timeoutMs,
      25,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${this.describe()}`);
    });
  }

  /** Waits until node `id` has applied at least `index`. */
  async waitApplied(id: number, index: number, timeoutMs = 10_000): Promise<NodeStatus> {
    return waitFor(`node ${id} to apply index ${index}`, async () => {
      const s = await this.status(id, 500);
      return s && s.appliedIndex >= index ? s : undefined;
    }, timeoutMs);
  }

  async startProxy(deadlineMs = 5000): Promise<KvClient> {
    this.proxy = await startProxy(
      { host: '127.0.0.1', port: 0, nodes: new Map([...this.members.values()].map((m) => [m.id, m.url])), deadlineMs, pollMs: 1000, lifeline: false, logLevel: 'silent' },
      { log: createLogger({ level: 'silent' }) },
    );
    this.proxyClient = new KvClient(this.proxy.url, { timeoutMs: deadlineMs + 2000, connections: 128 });
    return this.proxyClient;
  }

  /** The proxy as its own process (benchmarks: a realistic layout); returns a client for it. */
  async startProxyProcess(deadlineMs = 5000): Promise<KvClient> {
    const port = await freePort();
    const entry = MAIN;
    const nodes = [...this.members.values()].map((m) => `${m.id}=${m.url}`).join(',');
    const child = spawn(process.execPath, [...(this.o.proxyNodeArgs ?? []), entry, 'proxy', '--port', String(port), '--nodes', nodes, '--deadline-ms', String(deadlineMs), '--lifeline', '--log-level', 'warn'], { stdio: ['pipe', 'inherit', 'inherit'] });
    this.#proxyChild = child;
    this.proxyClient = new KvClient(`http://127.0.0.1:${port}`, { timeoutMs: deadlineMs + 2000, connections: 256 });
    const client = this.proxyClient;
    await waitFor('the proxy to answer /status', async () => (await client.status({ timeoutMs: 500 })).kind === 'proxy', 60_000, 50);
    return client;
  }

  /** Signals the proxy process and waits for it to exit (SIGTERM lets it write a --cpu-prof profile). */
  async stopProxyProcess(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const pc = this.#proxyChild;
    if (!pc || pc.exitCode !== null || pc.signalCode !== null) return;
    const gone = new Promise((r) => pc.once('exit', r));
    pc.kill(signal);
    await gone;
  }

  /** The running node processes and the proxy process, named (for CPU accounting). */
  processes(): { name: string; pid: number }[] {
    const out: { name: string; pid: number }[] = [];
    for (const m of this.members.values()) if (m.child?.pid !== undefined && this.running(m.id)) out.push({ name: `node-${m.id}`, pid: m.child.pid });
    if (this.#proxyChild?.pid !== undefined && this.#proxyChild.exitCode === null) out.push({ name: 'proxy', pid: this.#proxyChild.pid });
    return out;
  }

  /** The last output lines of every node (for failure messages). */
  describe(lines = 15): string {
    return [...this.members.values()].map((m) => `--- node ${m.id} (${this.running(m.id) ? 'running' : 'stopped'})\n${m.lines.slice(-lines).join('\n')}`).join('\n');
  }

  logLines(id: number): readonly string[] {
    return this.members.get(id)?.lines ?? [];
  }

  /** Kills every node, closes clients and the proxy, removes the temp dir. Never leaves a process. */
  async close(): Promise<void> {
    await Promise.all(this.ids.map((id) => this.kill(id, 'SIGKILL')));
    const pc = this.#proxyChild;
    if (pc && pc.exitCode === null && pc.signalCode === null) {
      const gone = new Promise((r) => pc.once('exit', r));
      pc.kill('SIGKILL');
      await gone;
    }
    await this.proxyClient?.close();
    await this.proxy?.close();
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    await this.cleanupDir();
  }
}
