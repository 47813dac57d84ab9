// The only public face of the KV state machine: commands, their log encoding, results, the machine.
export { type KvCommand, KvCommandError, encodeCommand, decodeCommand } from './command.js';
export { type KvResult } from './result.js';
export { KvSnapshotError, KV_SNAPSHOT_FORMAT, KV_SNAPSHOT_VERSION } from './snapshot-codec.js';
export { KvStateMachine, type KvStateMachineOptions, DEFAULT_SESSION_WINDOW, DEFAULT_MAX_SESSIONS } from './state-machine.js';
