// The load: a fixed number of concurrent logical clients, each running one operation at a time on a
// small hot key set, through the proxy and directly against nodes, every call recorded.
//
// Decisions:
// - Reads go to the proxy or straight to a node (any node: followers answer reads too, via
//   ReadIndex). Direct reads are what make a stale node visible: a client reading from a node that
//   was cut off, paused or restarted is exactly where a read served from local state goes wrong.
// - Writes go mostly to the proxy; some go straight to the node we believe leads (a 421 NOT_LEADER
//   is a definite failure and teaches us the new leader).
// - Outcome mapping (SPEC): ok; definite error → fail; indefinite error → info, and the logical
//   client is retired and replaced by a fresh id. A read has no effect, so any failed read is 'fail'
//   (it constrains nothing) and never retires a client.
// - Values are unique across the run, so a lost or resurrected write is always recognisable.
// - Each client slot draws its choices from its own seeded stream.
import { KvClient, KvError } from '../client/index.js';
import type { HistoryRecorder, OpKind } from '../check/index.js';
import { streamFor, type Prng } from './prng.js';

export interface WorkloadOptions {
  clients: number;
  keys: readonly string[];
  seed: number;
  recorder: HistoryRecorder;
  proxyUrl: string;
  /** Node id → base URL. */
  nodeUrls: ReadonlyMap<number, string>;
  /** Share of reads sent straight to a node (default 0.5). */
  directReadShare?: number;
  /** Share of writes sent straight to the believed leader (default 0.25). */
  directWriteShare?: number;
  /** Client deadlines (ms). Proxy writes wait longer than the proxy's own retry deadline. */
  proxyWriteTimeoutMs?: number;
  directWriteTimeoutMs?: number;
  readTimeoutMs?: number;
  /** Called after each operation completes. */
  onOutcome?: (outcome: 'ok' | 'fail' | 'info', kind: OpKind) => void;
}

/** Relative frequency of each operation. */
export const OP_MIX: Readonly<Record<OpKind, number>> = Object.freeze({ get: 45, put: 25, cas: 20, delete: 10 });

interface Endpoint {
  name: string;
  client: KvClient;
}

export class Workload {
  readonly #o: Required<Omit<WorkloadOptions, 'onOutcome'>> & Pick<WorkloadOptions, 'onOutcome'>;
  readonly #proxy: Endpoint;
  readonly #nodes: Endpoint[];
  readonly #lastSeen = new Map<string, string | null>();
  #leader: Endpoint | null = null;
  #stopping = false;
  #loops: Promise<void>[] = [];
  #valueSeq = 0;

  constructor(opts: WorkloadOptions) {
    if (opts.keys.length === 0) throw new RangeError('the workload needs at least one key');
    this.#o = {
      directReadShare: 0.5,
      directWriteShare: 0.25,
      proxyWriteTimeoutMs: 7000,
      directWriteTimeoutMs: 4000,
      readTimeoutMs: 3000,
      ...opts,
    };
    const connections = Math.max(2, opts.clients);
    this.#proxy = { name: 'proxy', client: new KvClient(opts.proxyUrl, { connections, timeoutMs: this.#o.proxyWriteTimeoutMs }) };
    this.#nodes = [...opts.nodeUrls].map(([id, url]) => ({ name: `node-${id}`, client: new KvClient(url, { connections, timeoutMs: this.#o.directWriteTimeoutMs }) }));
  }

  /** Start every client; they run until stop(). */
  start(): void {
    for (let slot = 0; slot < this.#o.clients; slot++) this.#loops.push(this.#run(streamFor(this.#o.seed, `client-${slot}`)));
  }

  /** Let every in-flight operation finish (each has a deadline), then close the connections. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#loops);
    await Promise.all([this.#proxy, ...this.#nodes].map((e) => e.client.close()));
  }

  async #run(rng: Prng): Promise<void> {
    const rec = this.#o.recorder;
    let client = rec.nextClientId();
    while (!this.#stopping) {
      await this.#one(client, rng);
      if (rec.isRetired(client)) client = rec.nextClientId();
    }
  }

  async #one(client: number, rng: Prng): Promise<void> {
    const rec = this.#o.recorder;
    const kind = rng.weighted(OP_MIX);
    const key = rng.pick(this.#o.keys);
    const write = kind !== 'get';
    const direct = rng.chance(write ? this.#o.directWriteShare : this.#o.directReadShare);
    const ep = !direct ? this.#proxy : write ? (this.#leader ?? rng.pick(this.#nodes)) : rng.pick(this.#nodes);
    const timeoutMs = !write ? this.#o.readTimeoutMs : ep === this.#proxy ? this.#o.proxyWriteTimeoutMs : this.#o.directWriteTimeoutMs;
    const value = `v${++this.#valueSeq}`;
    const from = kind === 'cas' ? this.#casFrom(key, rng) : undefined;
    const id = rec.invoke(client, kind, key, kind === 'put' ? { value, node: ep.name } : kind === 'cas' ? { from: from ?? null, to: value, node: ep.name } : { node: ep.name });
    try {
      switch (kind) {
        case 'get': {
          const v = await ep.client.get(key, { timeoutMs });
          rec.ok(id, { value: v });
          this.#lastSeen.set(key, v);
          break;
        }
        case 'put':
          await ep.client.put(key, value, { timeoutMs });
          rec.ok(id);
          this.#lastSeen.set(key, value);
          break;
        case 'delete': {
          const r = await ep.client.delete(key, { timeoutMs });
          rec.ok(id, { deleted: r.deleted });
          this.#lastSeen.set(key, null);
          break;
        }
        case 'cas':
          await ep.client.cas(key, from ?? null, value, { timeoutMs });
          rec.ok(id);
          this.#lastSeen.set(key, value);
          break;
      }
      if (write && ep !== this.#proxy) this.#leader = ep;
      this.#o.onOutcome?.('ok', kind);
    } catch (err) {
      this.#failed(id, kind, ep, err, key);
    }
  }

  #failed(id: number, kind: OpKind, ep: Endpoint, err: unknown, key: string): void {
    const rec = this.#o.recorder;
    const kv = err instanceof KvError ? err : null;
    if (kv?.code === 'CAS_MISMATCH') {
      rec.fail(id, kv); // the recorder files a 409 as an ok read that saw another value
      if (kv.current !== undefined) this.#lastSeen.set(key, kv.current);
      this.#o.onOutcome?.('ok', kind);
      return;
    }
    if (ep !== this.#proxy && kind !== 'get') {
      // Learn where the leader is; forget a leader that does not answer.
      const hinted = kv?.leader === undefined ? undefined : this.#nodes.find((n) => n.client.url === kv.leader?.replace(/\/+$/, ''));
      if (hinted !== undefined) this.#leader = hinted;
      else if (this.#leader === ep) this.#leader = null;
    }
    if (kind === 'get' || kv?.definite === true) {
      rec.fail(id, kv ?? err);
      this.#o.onOutcome?.('fail', kind);
    } else {
      rec.info(id, kv ?? err);
      this.#o.onOutcome?.('info', kind);
    }
  }

  /** Usually the value we last saw (so some cas succeed), sometimes absent. */
  #casFrom(key: string, rng: Prng): string | null {
    if (rng.chance(0.15) || !this.#lastSeen.has(key)) return null;
    return this.#lastSeen.get(key) ?? null;
  }
}
