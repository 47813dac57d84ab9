// Public face of src/scenarios: the scenario types, the parser (errors with file:line:col and
// suggestions), loading built-ins by name, one-line step titles, and the runner (a listr2 checklist
// against a fresh or attached cluster, with JSON and JUnit reports).
export type {
  AwaitCondition, AwaitStep, CasStep, CheckName, CheckStep, ClientOpBase, ClusterShape, Consistency,
  DeleteStep, DurationMs, ExpectedError, GetStep, HealStep, IsolateStep, KillSignal, LoadLimit, LoadMix,
  LoadStep, PartitionStep, ProcessAction, ProcessStep, PutStep, Scenario, Step, StepBase, StepKind,
  StepSource, StopLoadStep, Target, TargetKeyword, Timed,
} from './types.js';
export {
  CHECK_NAMES, DEFAULT_CHECKS, DEFAULT_CLUSTER, DEFAULT_WITHIN, KILL_SIGNALS, PROCESS_VARIABLE, PROXY_TARGET, STEP_KINDS,
  TARGET_KEYWORDS,
} from './types.js';
export { parseScenario, MAX_CLUSTER_NODES } from './parse.js';
export { ScenarioError, formatIssue, formatScenarioError, type ScenarioIssue } from './errors.js';
export { loadScenario, listBuiltins, builtinNames, BUILTIN_DIR, type BuiltinInfo } from './scenario-files.js';
export { describeStep } from './describe.js';
export { parseDuration, formatDuration, MAX_DURATION_MS } from './duration.js';
export { closest, didYouMean, levenshtein } from './suggest.js';
export { BUILTIN_VARIABLES } from './scope.js';
export { LOAD_DEFAULTS } from './load-steps.js';
export {
  runScenarios, ScenarioRun, exitCodeOf, writeReports, junitXml, formatFailure, formatSummary, formatVerdict, pickRenderer,
  RENDERER_CHOICES, REPORT_VERSION, startFreshCluster, attachCluster, SupervisorAdapter, scenarioKeys, agreedLeader, seededRandom,
  type RunScenariosOptions, type ScenarioResult, type ScenarioStatus, type StepResult, type StepStatus, type StepFailureInfo,
  type RendererChoice, type ClusterAdapter, type KvEndpoint, type ActionOutcome, type ClusterSource, type CustomCluster,
  type ScenarioCluster, type EngineOptions,
} from './runner/index.js';
