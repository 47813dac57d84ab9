// Public face of src/check: histories, the linearizability and lost-write checkers, Raft invariants.
export type { OpKind, Outcome, Operation, CheckResult, KeyFailure, LostWrite } from './types.js';
export { HistoryRecorder, type InvokeArgs, type OkResult, type RecorderOptions } from './history-recorder.js';
export { historyToJsonl, parseHistoryJsonl } from './history-jsonl.js';
export { checkLinearizable, DEFAULT_CHECK_TIMEOUT_MS, type CheckOptions } from './linearizability.js';
export { checkLostWrites } from './lost-writes.js';
export { bruteForceLinearizable, BRUTE_FORCE_MAX_OPS } from './brute-force.js';
export { HistoryError, validateHistory, describeOp, precedes } from './operation.js';
export { checkRaftInvariants, type RaftEvent, type RaftInvariantResult } from './raft-invariants.js';
