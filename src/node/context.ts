// Everything the node's HTTP routes need, assembled once by createNode() and handed to buildNodeApp().
import type { Logger } from 'pino';
import type { NodeConfig } from './config.js';
import type { NodeDriver } from './driver.js';
import type { FaultFilter } from './fault-filter.js';
import type { SnapshotReceiver } from './snapshot-receiver.js';

export interface NodeContext {
  readonly config: NodeConfig;
  readonly driver: NodeDriver;
  readonly faults: FaultFilter;
  readonly snapshots: SnapshotReceiver;
  readonly log: Logger;
  /** performance.now() at start, for uptime. */
  readonly startedAt: number;
  /** Durability counters for /status (fsyncs show group commit at work). Absent in some tests. */
  readonly storageStats?: () => { fsyncs: number; walBytes: number; segments: number };
}
