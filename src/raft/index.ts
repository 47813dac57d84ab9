// The only public face of the pure Raft core.
export * from './types.js';
export { Raft, type ProposeResult, type RaftStatus } from './raft.js';
export { raftConfig, validateConfig, DEFAULT_RAFT_TIMING } from './config.js';
export { describeMessage, describeEntry, describeReady } from './describe.js';
export { quorumSize } from './quorum.js';
