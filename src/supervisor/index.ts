// Public face of src/supervisor: process management, lifeline, log multiplexing, control socket,
// target resolution and the status table. Other areas import only from here.
export {
  ManagedChild, ChildStateError, ChildStartError, describeState, DEFAULT_STOP_GRACE_MS,
  type ChildSpec, type ChildState, type DesiredState, type ExitInfo, type ChildSnapshot, type ChildEvents, type OutputStream,
} from './child-process.js';
export { signalGroup, isAlive, groupAlive, liveGroupMembers, type SignalName } from './process-group.js';
export { watchLifeline, LIFELINE_FLAG, DEFAULT_LIFELINE_GRACE_MS, type LifelineOptions } from './lifeline.js';
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
} from './status-table.js';
export { waitUntil } from './wait.js';
