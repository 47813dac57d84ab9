// Preloaded into every node and proxy of a benchmark cluster through NODE_OPTIONS=--import when a
// diagnostic is asked for; does nothing otherwise.
//
// CPU profile (`bench --profile DIR`; Node 20 refuses --cpu-prof in NODE_OPTIONS): V8's sampling profiler starts on the
// first SIGUSR2 — the benchmark sends it when its measured window opens, so start-up (loading code
// is seconds of CPU on a busy machine) and the warm-up do not drown the steady state — and
// CPU.<time>.<pid>.cpuprofile (what --cpu-prof would write) lands in $RAFT_SUP_CPU_PROF_DIR when the
// process exits. The inspector session lives on the main thread, so its calls complete
// synchronously and the profile can be taken inside the 'exit' handler. Starting is cheap; stopping
// serialises the profile, which is why it happens only at exit (a stop mid-run stalls the node long
// enough to cost it its leadership).
import { Session } from 'node:inspector';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

const dir = process.env.RAFT_SUP_CPU_PROF_DIR;
if (dir !== undefined && dir !== '') {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  let started = false;
  let written = false;
  const write = (): void => {
    if (written || !started) return;
    written = true;
    session.post('Profiler.stop', (err, res) => {
      if (err || !res) return;
      try {
        const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '.').slice(0, 15);
        writeFileSync(join(dir, `CPU.${stamp}.${process.pid}.0.001.cpuprofile`), JSON.stringify(res.profile));
      } catch {
        /* a profile is a nice-to-have: never fail the process over it */
      }
    });
  };
  process.on('exit', write);
  process.on('SIGUSR2', () => {
    if (started) return;
    started = true;
    session.post('Profiler.start');
  });
}

// Memory (bench-all's memory figure): every second, one JSON line of process.memoryUsage() into
// $RAFT_SUP_MEM_LOG_DIR/mem.<pid>.jsonl, so RSS can be split into V8 heap, buffers and the rest.
const memDir = process.env.RAFT_SUP_MEM_LOG_DIR;
if (memDir !== undefined && memDir !== '') {
  const file = join(memDir, `mem.${process.pid}.jsonl`);
  const timer = setInterval(() => {
    try {
      appendFileSync(file, `${JSON.stringify({ t: Date.now(), ...process.memoryUsage() })}\n`);
    } catch {
      /* diagnostics never fail the process */
    }
  }, 1000);
  timer.unref();
}

// Heap snapshot (diagnosing a memory figure): on SIGUSR2, v8.writeHeapSnapshot() into
// $RAFT_SUP_HEAP_DIR. Blocks the process for seconds on a large heap: for diagnosis only.
const heapDir = process.env.RAFT_SUP_HEAP_DIR;
if (heapDir !== undefined && heapDir !== '') {
  process.on('SIGUSR2', () => {
    try {
      writeHeapSnapshot(join(heapDir, `heap.${process.pid}.${Date.now()}.heapsnapshot`));
    } catch {
      /* diagnostics never fail the process */
    }
  });
}
