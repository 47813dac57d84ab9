// Small re-exports for malformed.test.ts.
import { UsageError } from '../../src/shared/index.js';
export { formatScenarioError } from '../../src/scenarios/index.js';

export function UsageErrorCheck(err: unknown): boolean {
  return err instanceof UsageError;
}
