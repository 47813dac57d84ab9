// The scenario runner's public face: run scenarios as a checklist against fresh or attached
// clusters, the results, and the report files.
export { runScenarios, type RunScenariosOptions } from './run-scenarios.js';
export { ScenarioRun, scenarioKeys, type EngineOptions } from './engine.js';
export { ScenarioJob, type ClusterSource, type CustomCluster, type JobOptions } from './scenario-job.js';
export { startFreshCluster, attachCluster, CLI_ENTRY, type ScenarioCluster, type FreshOptions } from './cluster-lifecycle.js';
export { SupervisorAdapter } from './supervisor-adapter.js';
export type { ClusterAdapter, KvEndpoint, ActionOutcome } from './cluster-adapter.js';
export { exitCodeOf, type ScenarioResult, type ScenarioStatus, type StepResult, type StepStatus, type StepFailureInfo } from './results.js';
export { writeReports, junitXml, REPORT_VERSION } from './report.js';
export { formatFailure, formatSummary, formatVerdict } from './format-results.js';
export { pickRenderer, RENDERER_CHOICES, type RendererChoice, type Renderer } from './checklist.js';
export { seededRandom, randomSeed } from './rng.js';
export { agreedLeader } from './await-step.js';
