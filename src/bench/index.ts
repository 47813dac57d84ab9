// Public face of src/bench: `raft-sup bench` and the standard set behind `npm run bench`.
export { parseBenchFlags, BENCH_DEFAULTS, WORKLOADS, TARGETS, type BenchOptions, type BenchFlags, type Workload, type BenchTarget } from './options.js';
export { runBench, type BenchIo } from './run-bench.js';
export { runBenchAll, parseBenchAllFlags, type BenchAllFlags, type BenchAllOptions } from './bench-all.js';
export { Histogram, exactPercentile, median, bucketOf, bucketRange, type LatencySummary } from './histogram.js';
export { runClosedLoop, type LoadOptions, type LoadResult } from './load.js';
export { renderLatencyChart } from './svg-chart.js';
export { summarizeProfile, summarizeProfileDir } from './profile-summary.js';
export type { BenchResult } from './result.js';
