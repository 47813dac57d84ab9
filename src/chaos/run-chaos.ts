// `raft-sup chaos`, start to finish. Reads like its table of contents:
//   plan (seeded schedule) → cluster (own or attached) → load + nemesis for the duration →
//   final phase (heal, restart, read everything) → stop our cluster → gather Raft evidence →
//   check → print → report → clean up.
// Exit code: 0 valid, 1 invalid (a check failed), 2 unknown (checker deadline), interrupted, or an
// environment error (thrown as a one-line error by the pieces, e.g. SupervisorError).
import { HistoryRecorder } from '../check/index.js';
import { logsDir } from '../supervisor/index.js';
import { attachCluster, startCluster, type ChaosCluster } from './cluster.js';
import { finalPhase } from './final-phase.js';
import { Nemesis } from './nemesis.js';
import { replayCommand, type ChaosOptions } from './options.js';
import { streamFor } from './prng.js';
import { ChaosProgress, type LoadCounters, type ProgressSink } from './progress.js';
import { gatherRaftEvidence } from './raft-evidence.js';
import { decide, type ChaosResults } from './results.js';
import { describePlanned, generateSchedule } from './schedule.js';
import { scheduleToYaml } from './schedule-yaml.js';
import { sleep } from './timing.js';
import { Workload } from './workload.js';
import { writeReport } from './write-report.js';

export interface ChaosIo {
  out: ProgressSink;
  err: ProgressSink;
  /** Live status line (stderr is a terminal). */
  tty: boolean;
  /** Aborts the run (Ctrl+C): the cluster is still cleaned up; exit code 2. */
  signal?: AbortSignal;
}

export interface ChaosOutcome {
  exitCode: 0 | 1 | 2;
  results: ChaosResults | null;
  reportHtml: string | null;
}

export async function runChaos(o: ChaosOptions, io: ChaosIo): Promise<ChaosOutcome> {
  const replay = replayCommand(o);
  const progress = new ChaosProgress(io.err, io.tty);
  const say = (line: string): void => progress.line(line);
  say(`raft-sup chaos: seed ${o.seed} · ${Math.round(o.durationMs / 1000)} s · nemesis ${o.nemeses.join(',') || 'none'} · ${o.attach ? 'attached cluster' : `${o.nodes} nodes`} · ${o.clients} clients · ${o.keys} keys${o.unsafeStaleReads ? ' · --unsafe-stale-reads' : ''}`);

  const cluster: ChaosCluster = o.attach
    ? await attachCluster(o.dir ?? '.raft-sup')
    : await startCluster({ nodes: o.nodes, dir: o.dir, nodeArgs: o.unsafeStaleReads ? ['--unsafe-stale-reads'] : [], random: rngFn(o.seed) });
  try {
    const schedule = generateSchedule({ seed: o.seed, durationMs: o.durationMs, nodes: cluster.nodeIds.length, nemeses: o.nemeses });
    const r = schedule.regime;
    say(`cluster: ${cluster.owned ? 'started' : 'attached'} in ${cluster.dir} (proxy ${cluster.proxyUrl})`);
    say(`plan: ${schedule.faults.length} faults (first ${schedule.faults[0] ? describePlanned(schedule.faults[0]) : '—'}; warmup ${(r.warmupMs / 1000).toFixed(1)} s, mean gap ${(r.meanGapMs / 1000).toFixed(1)} s, held ${(r.minHoldMs / 1000).toFixed(1)}–${(r.maxHoldMs / 1000).toFixed(1)} s)`);

    // Keys of an attached cluster may hold old values; fresh names keep the model's "absent" start true.
    const prefix = o.attach ? `chaos-${Date.now().toString(36)}-` : '';
    const keys = Array.from({ length: o.keys }, (_, i) => `${prefix}k${i}`);
    const recorder = new HistoryRecorder();
    const counters: LoadCounters = { ok: 0, fail: 0, info: 0 };
    const workload = new Workload({
      clients: o.clients, keys, seed: o.seed, recorder, proxyUrl: cluster.proxyUrl,
      nodeUrls: new Map(cluster.nodeIds.map((id) => [id, cluster.nodeUrl(id)])),
      onOutcome: (outcome) => { counters[outcome]++; },
    });
    const nemesis = new Nemesis({ schedule, cluster, clock: () => performance.now(), okOps: () => counters.ok, log: say });

    // The load phase.
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    io.signal?.addEventListener('abort', onAbort, { once: true });
    const t0 = performance.now();
    workload.start();
    const nemesisDone = nemesis.run(t0, stop.signal);
    const ticker = setInterval(() => progress.status(performance.now() - t0, o.durationMs, counters, nemesis.records.length, nemesis.active?.label ?? null), 250);
    await sleep(o.durationMs, stop.signal);
    stop.abort();
    await nemesisDone; // undoes the fault in force, if any
    await workload.stop();
    clearInterval(ticker);
    io.signal?.removeEventListener('abort', onAbort);
    const loadMs = performance.now() - t0;
    const loadOps = recorder.operations().length;
    progress.done();
    say(`load: ${loadOps} operations in ${(loadMs / 1000).toFixed(1)} s (${Math.round(loadOps / (loadMs / 1000))} ops/s) · ok ${counters.ok} · fail ${counters.fail} · info ${counters.info} · ${nemesis.records.length} faults`);
    if (io.signal?.aborted) {
      say('interrupted: stopping the cluster, no verdict');
      return { exitCode: 2, results: null, reportHtml: null };
    }

    const final = await finalPhase({ cluster, recorder, keys, log: say });
    if (cluster.owned) await cluster.shutdown();
    const evidence = await gatherRaftEvidence(cluster.dir, logsDir(cluster.dir), cluster.nodeIds, cluster.owned);
    const ops = recorder.operations();
    say(`checking ${ops.length} operations (deadline ${Math.round(o.checkTimeoutMs / 1000)} s)`);
    const results = decide({
      settings: {
        seed: o.seed, durationMs: o.durationMs, nemeses: o.nemeses, nodes: cluster.nodeIds.length, clients: o.clients, keys,
        unsafeStaleReads: o.unsafeStaleReads, attached: o.attach, replay,
      },
      ops, loadOps, loadMs, faults: nemesis.records, final, evidence, checkTimeoutMs: o.checkTimeoutMs,
    });
    printVerdict(io.out, results);
    let reportHtml: string | null = null;
    if (o.reportDir !== undefined) {
      const yaml = scheduleToYaml({ schedule, clients: o.clients, keys: o.keys, records: nemesis.records, replay });
      const files = await writeReport(o.reportDir, results, ops, loadOps, yaml, logsDir(cluster.dir));
      reportHtml = files.html;
      io.out.write(`report: ${files.html} (with history.jsonl, schedule.yaml, results.json, logs/)\n`);
    } else if (results.verdict !== 'valid') {
      io.out.write('(run again with --report DIR to keep the history, the node logs and an HTML report)\n');
    }
    io.out.write(`replay: ${replay}\n`);
    return { exitCode: results.exitCode, results, reportHtml };
  } finally {
    await cluster.dispose();
  }
}

function printVerdict(out: ProgressSink, r: ChaosResults): void {
  const s = r.stats;
  out.write(`verdict: ${r.verdict.toUpperCase()} (seed ${r.settings.seed})\n`);
  for (const line of r.summary) out.write(`  ${line}\n`);
  for (const f of r.checks.linearizable.failures.slice(0, 5)) out.write(`  ✗ ${f.headline}\n    ${f.message}\n`);
  for (const l of r.checks.lostWrites.lost.slice(0, 5)) out.write(`  ✗ ${l.message}\n`);
  for (const v of r.checks.raft.violations.slice(0, 5)) out.write(`  ✗ ${v}\n`);
  for (const n of r.checks.raft.notes) out.write(`  note: ${n}\n`);
  out.write(`ops: ${s.operations} in ${(s.loadMs / 1000).toFixed(1)} s (${s.opsPerSec} ops/s, ${s.okPerSec} ok/s) · ok ${s.ok} · fail ${s.fail} · info ${s.info} · latency p50 ${s.latencyMs.p50} ms p99 ${s.latencyMs.p99} ms · checker ${(s.checkerMs / 1000).toFixed(2)} s\n`);
}

/** The supervisor's own random choices, seeded too. */
function rngFn(seed: number): () => number {
  const rng = streamFor(seed, 'supervisor');
  return () => rng.next();
}
