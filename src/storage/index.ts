// Public face of the storage: a node's durable Raft state (WAL segments, hard state, snapshots).
export { openStorage } from './storage.js';
export type { OpenStorageOptions, RaftStorage, StorageStats } from './storage.js';
export type { IncomingSnapshot } from './incoming-snapshot.js';
export { StorageCorruptionError, StorageIdentityError, EXIT_CORRUPT_STORAGE } from './errors.js';
export { StorageFaults, SimulatedCrashError } from './faults.js';
export type { CrashTail } from './faults.js';
export { inspectWal } from './inspect.js';
export type { WalRecordInfo } from './inspect.js';
