// Benchmark: entries committed per second by an in-process 3-node cluster of real cores, no faults,
// messages delivered at once, storage = arrays in memory. Measures the core, not I/O.
//   node dist/test/sim/throughput.js [--batch 100] [--seconds 3] [--nodes 3] [--kv]
// --kv also applies every committed entry to the KV state machine on every node.
import { parseArgs } from 'node:util';
import { KvStateMachine, encodeCommand } from '../../src/kv/index.js';
import { Raft, raftConfig, EMPTY_HARD_STATE, type Message, type NodeId } from '../../src/raft/index.js';
import { Prng } from './prng.js';

interface BenchResult {
  readonly batch: number;
  readonly entries: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Entries per second of this process's CPU time (what the core costs, whatever the machine's load). */
  readonly perCpuSecond: number;
  readonly messages: number;
}

export function runThroughput(opts: { batch: number; seconds: number; nodes: number; kv: boolean }): BenchResult {
  const ids: NodeId[] = Array.from({ length: opts.nodes }, (_, i) => i + 1);
  const rng = new Prng(1);
  const nodes = ids.map((id) => new Raft(raftConfig(id, ids, (n) => rng.int(n)), { hardState: EMPTY_HARD_STATE, entries: [] }));
  const kvs = ids.map(() => new KvStateMachine());
  const durable: number[] = ids.map(() => 0);
  const queue: Message[] = [];
  let messages = 0;

  const drive = (i: number): void => {
    const r = nodes[i];
    if (r === undefined) return;
    while (r.hasReady()) {
      const rd = r.ready();
      durable[i] = (durable[i] ?? 0) + rd.entries.length; // "persist"
      for (const m of rd.messages) queue.push(m);
      if (opts.kv) for (const e of rd.committedEntries) kvs[i]?.apply(e);
      r.advance(rd);
    }
  };
  const pump = (): void => {
    for (let i = 0; i < nodes.length; i++) drive(i);
    let head = 0;
    while (head < queue.length) {
      const m = queue[head++] as Message;
      messages++;
      nodes[m.to - 1]?.step(m);
      drive(m.to - 1);
      if (head > 4096) {
        queue.splice(0, head);
        head = 0;
      }
    }
    queue.length = 0;
  };

  const leader = nodes[0];
  if (leader === undefined) throw new Error('no nodes');
  leader.campaign();
  pump();
  if (leader.role !== 'leader') throw new Error(`node 1 did not become leader (${leader.role})`);

  const data = Array.from({ length: 1024 }, (_, i) => encodeCommand({ op: 'put', key: `k${i % 16}`, value: `value-${i}`, clientId: 'bench', seq: i }));
  const startCommit = leader.log.committed;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const deadline = t0 + opts.seconds * 1000;
  let proposed = 0;
  let rounds = 0;
  while ((rounds & 15) !== 0 || performance.now() < deadline) {
    for (let b = 0; b < opts.batch; b++) {
      const res = leader.propose(data[proposed++ & 1023] ?? '');
      if (!res.ok) throw new Error(`propose failed: ${res.reason}`);
    }
    pump();
    rounds++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const entries = leader.log.committed - startCommit;
  if (entries !== proposed) throw new Error(`proposed ${proposed} but committed ${entries}`);
  return { batch: opts.batch, entries, seconds, perSecond: entries / seconds, perCpuSecond: entries / cpuSeconds, messages };
}

function main(): void {
  const { values } = parseArgs({
    options: { batch: { type: 'string' }, seconds: { type: 'string', default: '3' }, nodes: { type: 'string', default: '3' }, kv: { type: 'boolean', default: false } },
    strict: true,
  });
  const batches = values.batch !== undefined ? [Number(values.batch)] : [1, 10, 100, 1000];
  const seconds = Number(values.seconds);
  const nodes = Number(values.nodes);
  for (const [name, v] of [['batch', batches[0]], ['seconds', seconds], ['nodes', nodes]] as const) {
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
      console.error(`throughput: --${name} must be a positive number`);
      process.exitCode = 2;
      return;
    }
  }
  for (const batch of batches) {
    const r = runThroughput({ batch, seconds, nodes, kv: values.kv === true });
    console.log(
      `${nodes} nodes, batch ${String(batch).padStart(4)}${values.kv ? ', with KV apply' : ''}: ${r.entries.toLocaleString('en-US')} entries in ${r.seconds.toFixed(2)} s = ` +
        `${Math.round(r.perSecond).toLocaleString('en-US')} entries/s wall, ${Math.round(r.perCpuSecond).toLocaleString('en-US')} per CPU-second (${r.messages.toLocaleString('en-US')} messages)`,
    );
  }
}

main();
