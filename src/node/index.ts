// The node's public face: start one in-process (tests, bench) or from flags (CLI), and its parts.
export { startNode, errorFileOf } from './node.js';
export type { RunningNode, StartNodeOptions } from './node.js';
export { nodeConfigFromFlags, runNode } from './main.js';
export type { NodeFlags } from './main.js';
export { NODE_DEFAULTS, parseMembers, intFlag, validateNodeConfig } from './config.js';
export type { NodeConfig } from './config.js';
export { NodeDriver } from './driver.js';
export type { DriverOptions, DriverDeps } from './driver.js';
export { FaultFilter } from './fault-filter.js';
export { HttpTransport } from './http-transport.js';
export { buildNodeApp } from './app.js';
export type { NodeContext } from './context.js';
export { SnapshotReceiver, memoryIncomingSnapshot } from './snapshot-receiver.js';
export { parseBatch } from './message-codec.js';
export type { RaftCore, StateMachine, DriverStorage, Transport } from './ports.js';
