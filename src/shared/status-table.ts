// `raft-sup status` as an aligned table (etcdctl / consul members style) from the `status --json`
// shape in SPEC. Unknown values print as `-`; a crashed row shows how it died.

/** One row of `status --json` (SPEC), plus optional exit details and the node's own leader view. */
export interface StatusProcess {
  name: string;
  kind: 'node' | 'proxy';
  id?: number | null;
  pid?: number | null;
  state: string;
  url?: string | null;
  role?: string | null;
  term?: number | null;
  /** The leader id this process believes in (nodes); absent → `-`. */
  leader?: number | null;
  commitIndex?: number | null;
  appliedIndex?: number | null;
  lastLogIndex?: number | null;
  lag?: number | null;
  /** For `crashed`: how it ended. */
  exitCode?: number | null;
  signal?: string | null;
  /** Pid of the warm spare waiting to become this node when it is started (while it is down). */
  sparePid?: number | null;
}

/** The whole `status --json` object. */
export interface ClusterStatus {
  leader: number | null;
  term: number | null;
  processes: StatusProcess[];
  /** Node groups cut off from each other by `partition`/`isolate`; null or absent when healed. */
  partition?: number[][] | null;
}

export interface StatusTableOptions {
  color?: boolean;
}

export const STATUS_COLUMNS = ['NAME', 'PID', 'STATE', 'ROLE', 'TERM', 'LEADER', 'COMMIT', 'APPLIED', 'LAST', 'LAG'] as const;
// Numbers read best right-aligned.
const RIGHT = new Set<string>(['PID', 'TERM', 'LEADER', 'COMMIT', 'APPLIED', 'LAST', 'LAG']);

const STATE_COLOR: Record<string, number> = { running: 32, starting: 36, paused: 33, crashed: 31, stopped: 90 };

/** `crashed (SIGKILL)` / `crashed (exit 3)` / the state as is. */
export function stateLabel(p: Pick<StatusProcess, 'state' | 'exitCode' | 'signal'>): string {
  if (p.state !== 'crashed') return p.state;
  if (p.signal != null) return `crashed (${p.signal})`;
  if (p.exitCode != null) return `crashed (exit ${p.exitCode})`;
  return 'crashed';
}

/** Render the table (header + one line per process), lines joined with '\n', no trailing newline. */
export function renderStatusTable(status: ClusterStatus, options: StatusTableOptions = {}): string {
  const color = options.color ?? false;
  const rows = status.processes.map((p) => [
    p.name,
    show(p.pid),
    stateLabel(p),
    show(p.role),
    show(p.term),
    show(p.leader),
    show(p.commitIndex),
    show(p.appliedIndex),
    show(p.lastLogIndex),
    show(p.lag),
  ]);
  const widths = STATUS_COLUMNS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // Pad first, colour after: escape codes must not count toward the width.
  const line = (cells: readonly string[], paint?: (col: string, text: string) => string): string =>
    STATUS_COLUMNS.map((h, i) => {
      const w = widths[i] ?? 0;
      const cell = cells[i] ?? '';
      const padded = RIGHT.has(h) ? cell.padStart(w) : cell.padEnd(w);
      return paint ? paint(h, padded) : padded;
    }).join('  ').trimEnd();
  const header = line(STATUS_COLUMNS, color ? (_c, t) => `\u001b[1m${t}\u001b[0m` : undefined);
  const body = rows.map((cells, r) => {
    const p = status.processes[r];
    if (!color || p === undefined) return line(cells);
    return line(cells, (col, text) => {
      if (col === 'STATE') {
        const c = STATE_COLOR[p.state];
        return c === undefined ? text : `\u001b[${c}m${text}\u001b[0m`;
      }
      if (col === 'ROLE' && p.role === 'leader') return `\u001b[1m${text}\u001b[0m`;
      if (col === 'LAG' && (p.lag ?? 0) > 0) return `\u001b[33m${text}\u001b[0m`;
      return text;
    });
  });
  return [header, ...body].join('\n');
}

/** One summary line under the table: `leader: node-2 (id 2) · term 7` or `leader: none · term 7`. */
export function renderStatusSummary(status: ClusterStatus): string {
  const leader = status.leader === null
    ? 'none'
    : (() => {
        const row = status.processes.find((p) => p.kind === 'node' && p.id === status.leader);
        return row === undefined ? `id ${status.leader}` : `${row.name} (id ${status.leader})`;
      })();
  const net = status.partition == null ? '' : ` · partitioned: ${status.partition.map((g) => `{${g.join(',')}}`).join(' | ')}`;
  return `leader: ${leader} · term ${show(status.term)}${net}`;
}

function show(v: string | number | null | undefined): string {
  return v === null || v === undefined || v === '' ? '-' : String(v);
}
