// Public face of src/supervisor: process management, lifeline, log multiplexing, control socket,
// target resolution and the status table. Other areas import only from here.
export {
  ManagedChild, ChildStateError, ChildStartError, describeState, DEFAULT_STOP_GRACE_MS,
  type ChildSpec, type ChildState, type DesiredState, type ExitInfo, type ChildSnapshot, type ChildEvents, type OutputStream,
} from './child-process.js';
export { signalGroup, isAlive, groupAlive, liveGroupMembers, type SignalName } from './process-group.js';
export { watchLifeline, LIFELINE_FLAG, DEFAULT_LIFELINE_GRACE_MS, type LifelineOptions } from '../shared/lifeline.js';
export { LogMux, colorFor, formatClock, type LogMuxOptions, type TextSink, type OutputSource } from './log-mux.js';
export {
  startControlServer, createControlApp, probeSocket, controlRequest, controlPaths, readPidFile, ControlSocketError,
  SOCKET_FILE, PID_FILE,
  type ControlServer, type ControlResponse, type SocketProbe, type ControlSocketErrorCode,
} from './control-socket.js';
export { resolveTarget, whatExists, TargetError, TARGET_KEYWORDS, type TargetProcess } from './targets.js';
export {
  renderStatusTable, renderStatusSummary, stateLabel, STATUS_COLUMNS,
  type ClusterStatus, type StatusProcess, type StatusTableOptions,
} from '../shared/status-table.js';
export { waitUntil } from './wait.js';
export { SupervisorError, SUPERVISOR_ERROR_STATUS, type SupervisorErrorCode } from './errors.js';
export {
  CLUSTER_DEFAULTS, MAX_NODES, CLUSTER_FILE, CLUSTER_LOG, SUPERVISOR_LOG, nodeName, nodeIds, nodePort, nodeUrl, proxyUrl, logsDir,
  portsOf, validateClusterSpec, resolveClusterSpec, readSavedCluster, parseIntFlag, childSpecs, type ClusterSpec,
} from './cluster-spec.js';
export { portFree, assertPortsFree, freePort, freePortBlock } from './port-check.js';
export { mergeStatus, type StatusChild, type Probe } from './cluster-status.js';
export { partitionGroups, faultsForPartition, describeGroups } from './network-faults.js';
export { awaitReady, READY_KEY, type ReadyState, type ReadyPhase } from './readiness.js';
export { PROCESS_ACTIONS, type ProcessAction, type ActionResult } from './process-actions.js';
export { parseSignal } from './signals.js';
export { Supervisor, type SupervisorOptions, type SupervisedChild } from './supervisor.js';
export { SupervisorClient, notRunningMessage, type SupervisorInfo } from './supervisor-client.js';
export { preflight, runForeground, runDaemon, runDetached, type UpOptions } from './run-up.js';
export { runDown, type DownResult } from './run-down.js';
export { readClusterLog, clusterLogPath, lineMatches, type LogReadOptions } from './log-files.js';
export { createProgress, type Progress } from './progress.js';
export { OutputTail } from './output-tail.js';
export { DEFAULT_DIR, useColor, printActionResults, resolveLogTarget, runActionCommand } from './cli-support.js';
export { startInProcessCluster, attachToCluster, type InProcessCluster, type InProcessClusterOptions, type ClusterAddresses } from './in-process-cluster.js';
