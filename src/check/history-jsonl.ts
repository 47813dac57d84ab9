// history.jsonl: one operation per line, so a report's history can be re-checked or replayed later.
import { HistoryError, validateOperation } from './operation.js';
import type { Operation } from './types.js';

const FIELDS = new Set(['id', 'client', 'kind', 'key', 'value', 'from', 'casFailed', 'invoke', 'complete', 'outcome', 'deleted', 'node', 'error']);

/** One JSON object per line; an unknown completion (info) is written as `"complete": null`. */
export function historyToJsonl(ops: readonly Operation[]): string {
  return ops.map((op) => JSON.stringify({ ...op, complete: op.complete === Infinity ? null : op.complete })).join('\n') + (ops.length ? '\n' : '');
}

/** Parses history.jsonl; throws HistoryError naming `source:line` and the bad field. Blank lines are skipped. */
export function parseHistoryJsonl(text: string, source = 'history.jsonl'): Operation[] {
  const ops: Operation[] = [];
  const ids = new Set<number>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${source}:${i + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      throw new HistoryError(`${where}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new HistoryError(`${where}: expected a JSON object (one operation), got ${line.slice(0, 40)}`);
    }
    const unknown = Object.keys(parsed).filter((k) => !FIELDS.has(k));
    if (unknown.length) throw new HistoryError(`${where}: unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
    const op = parsed as Operation;
    if (!('complete' in op)) throw new HistoryError(`${where}: complete must be a number or null, got undefined`);
    validateOperation(op, where);
    if (ids.has(op.id)) throw new HistoryError(`${where}: id ${op.id} is used twice`);
    ids.add(op.id);
    ops.push(op);
  });
  return ops;
}
