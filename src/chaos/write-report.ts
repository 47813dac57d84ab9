// --report DIR: everything needed to understand and re-check a run, in one folder:
// history.jsonl (every operation), schedule.yaml (the faults as a scenario), results.json (the
// verdict and every figure), logs/ (a copy of the cluster's logs) and report.html (one page).
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { historyToJsonl, type Operation } from '../check/index.js';
import { renderReport } from './report/render-report.js';
import type { ChaosResults } from './results.js';

export interface ReportFiles {
  dir: string;
  html: string;
}

export async function writeReport(dirArg: string, results: ChaosResults, ops: readonly Operation[], loadOps: number, scheduleYaml: string, logsDir: string): Promise<ReportFiles> {
  const dir = resolve(dirArg);
  await mkdir(dir, { recursive: true });
  const html = join(dir, 'report.html');
  await Promise.all([
    writeFile(join(dir, 'history.jsonl'), historyToJsonl(ops)),
    writeFile(join(dir, 'schedule.yaml'), scheduleYaml),
    writeFile(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`),
    writeFile(html, renderReport({ results, ops, loadOps })),
  ]);
  try {
    await cp(logsDir, join(dir, 'logs'), { recursive: true, force: true });
  } catch (err) {
    await writeFile(join(dir, 'logs-missing.txt'), `could not copy ${logsDir}: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  return { dir, html };
}
