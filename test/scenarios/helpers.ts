// Shared helpers for the scenario parser tests: build a file from steps, parse it, capture the error.
import assert from 'node:assert/strict';
import { parseScenario, ScenarioError, type Scenario } from '../../src/scenarios/index.js';

export const FILE = 'my-scenario.yaml';

/** A valid header plus the given `steps:` block (indented YAML list items, one per string). */
export function withSteps(...steps: string[]): string {
  return ['name: t', 'description: A test scenario.', 'steps:', ...steps.map((s) => `  ${s}`)].join('\n') + '\n';
}

export function parse(text: string): Scenario {
  return parseScenario(text, FILE);
}

/** Parse text that must be rejected; returns the error. */
export function reject(text: string): ScenarioError {
  let caught: unknown;
  try {
    parseScenario(text, FILE);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ScenarioError, `expected a ScenarioError, got ${caught === undefined ? 'success' : String(caught)}`);
  return caught;
}
