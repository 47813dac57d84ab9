// Public face of src/chaos: `raft-sup chaos` (randomized faults under recorded concurrent load,
// checked for linearizability, lost writes and Raft invariants) and the pieces tests drive directly.
export { runChaos, type ChaosIo, type ChaosOutcome } from './run-chaos.js';
export { parseChaosFlags, replayCommand, CHAOS_DEFAULTS, type ChaosOptions, type ChaosFlags } from './options.js';
export { generateSchedule, enabledKinds, describePlanned, type Schedule, type PlannedFault, type Regime, type ScheduleInput } from './schedule.js';
export { scheduleToYaml, type ScheduleYamlInput } from './schedule-yaml.js';
export { NEMESIS_NAMES, DEFAULT_NEMESES, NEMESIS_FAULTS, parseNemesisList, type NemesisName, type FaultKind, type FaultRole } from './nemesis-kinds.js';
export { Prng, streamFor, randomSeed, MAX_SEED } from './prng.js';
export { renderReport, type ReportInput } from './report/render-report.js';
export { decide, type ChaosResults, type RunSettings, type Verdict, type FaultSummary } from './results.js';
export { classifyFailure, type Anomaly } from './anomaly.js';
export { leaderEvents, commitEvents, gatherRaftEvidence, type RaftEvidence } from './raft-evidence.js';
export type { FaultRecord } from './nemesis.js';
export type { FinalPhaseResult } from './final-phase.js';
export { writeReport } from './write-report.js';
