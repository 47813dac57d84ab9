// Finding scenario files: a built-in name (`leader-crash`) resolves to <package>/scenarios/<name>.yaml,
// anything else is a path. Problems (no such name or file, unreadable file, malformed YAML) are all
// ScenarioErrors, so the CLI exits 2 before starting a single process.

import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario } from './parse.js';
import { ScenarioError } from './errors.js';
import { didYouMean } from './suggest.js';
import type { Scenario } from './types.js';

/** The package's `scenarios/` folder: this file is dist/src/scenarios/scenario-files.js in the build. */
export const BUILTIN_DIR = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

const BUILTIN_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** One built-in scenario, for `raft-sup scenario list`. */
export interface BuiltinInfo {
  readonly name: string;
  readonly description: string;
  readonly file: string;
}

/** Built-in scenario names (file names without .yaml), sorted. */
export async function builtinNames(dir: string = BUILTIN_DIR): Promise<string[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
}

/** Every built-in with its description (each file is parsed, so a broken built-in throws here). */
export async function listBuiltins(dir: string = BUILTIN_DIR): Promise<BuiltinInfo[]> {
  const out: BuiltinInfo[] = [];
  for (const name of await builtinNames(dir)) {
    const file = join(dir, `${name}.yaml`);
    const scenario = await loadFile(file);
    out.push({ name, description: scenario.description, file });
  }
  return out;
}

/**
 * A built-in by name, else a file by path. Throws ScenarioError when neither exists (suggesting the
 * closest built-in) or when the file is malformed.
 */
export async function loadScenario(nameOrPath: string, dir: string = BUILTIN_DIR): Promise<Scenario> {
  if (BUILTIN_NAME.test(nameOrPath)) {
    const builtin = join(dir, `${nameOrPath}.yaml`);
    if (await isFile(builtin)) return loadFile(builtin);
  }
  if (await isFile(nameOrPath)) return loadFile(nameOrPath);
  const names = await builtinNames(dir);
  const looksLikePath = !BUILTIN_NAME.test(nameOrPath);
  const what = looksLikePath ? `no scenario file at ${nameOrPath}` : `no built-in scenario named \`${nameOrPath}\`${didYouMean(nameOrPath, names)} and no file by that name`;
  throw new ScenarioError(nameOrPath, [], `${what} (built-ins: ${names.join(', ') || 'none found'}; run \`raft-sup scenario list\`)`);
}

async function loadFile(path: string): Promise<Scenario> {
  const shown = displayPath(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ScenarioError(shown, [], `cannot read scenario ${shown}: ${why}`);
  }
  return parseScenario(text, shown);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Relative to the working directory when the file is under it, else absolute. */
function displayPath(path: string): string {
  const abs = resolve(path);
  const rel = relative(process.cwd(), abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}
