// One logger per process (pino), with the process identity bound to every record. Two sinks:
// - stdout: one readable line per event ("became leader in term 3"), for humans and for the
//   supervisor's log multiplexer, which adds the time and the process name itself;
// - an optional warnings-and-errors file with the full structured record (context included), the
//   per-node successor of the original's shared raft_node_errors.txt.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Bound to every record, e.g. { node: 1 } or { proxy: true }. */
  readonly bindings?: Record<string, string | number | boolean>;
  /** Minimum level on stdout; 'silent' for tests. */
  readonly level?: pino.LevelWithSilent;
  /** Path of the warnings-and-errors file (JSON lines); omitted = no file. */
  readonly errorFile?: string;
  /** Where readable lines go (default process.stdout). */
  readonly out?: { write(line: string): unknown };
}

const LEVEL_LABEL: Record<number, string> = { 10: 'TRACE ', 20: 'DEBUG ', 30: '', 40: 'WARN ', 50: 'ERROR ', 60: 'FATAL ' };
// Fields pino adds itself or that the reader already knows from the line's prefix.
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'node', 'proxy', 'v']);

/** Renders one pino JSON record as `LEVEL message key=value ...` (info has no level label). */
export function renderLine(record: Record<string, unknown>): string {
  let line = `${LEVEL_LABEL[Number(record.level)] ?? ''}${String(record.msg ?? '')}`;
  for (const [k, v] of Object.entries(record)) {
    if (HIDDEN.has(k) || v === undefined) continue;
    if (k === 'err' && typeof v === 'object' && v !== null) {
      line += ` err=${JSON.stringify((v as { message?: unknown }).message ?? v)}`;
      continue;
    }
    line += ` ${k}=${typeof v === 'string' && !/[\s"=]/.test(v) ? v : JSON.stringify(v)}`;
  }
  return `${line}\n`;
}

function readableStream(out: { write(line: string): unknown }): pino.DestinationStream {
  return {
    write(chunk: string): void {
      try {
        out.write(renderLine(JSON.parse(chunk) as Record<string, unknown>));
      } catch {
        out.write(chunk);
      }
    },
  };
}

/** Builds the process logger: readable stdout lines plus, optionally, the structured error file. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  if (level === 'silent' && opts.errorFile === undefined) return pino({ level: 'silent' });
  const streams: pino.StreamEntry[] = [];
  if (level !== 'silent') streams.push({ level, stream: readableStream(opts.out ?? process.stdout) });
  if (opts.errorFile !== undefined) {
    mkdirSync(dirname(opts.errorFile), { recursive: true });
    streams.push({ level: 'warn', stream: pino.destination({ dest: opts.errorFile, sync: true, append: true }) });
  }
  const minLevel = level === 'silent' ? 'warn' : level;
  return pino({ level: minLevel, base: opts.bindings ?? {} }, pino.multistream(streams));
}
