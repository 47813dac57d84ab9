// One line per answer: the result, then who served it and how long it took. Failures are one line
// that says what happened and what to try — never a stack trace (the original client died with one).
import type { KvError } from '../index.js';
import { CANCELLED } from './http-call.js';
import type { KvOutcome } from './kv-ops.js';
import type { KvCommand } from './parse-command.js';
import type { Style } from './style.js';

/** Values longer than this are cut in the REPL display (one-shot `get` prints them whole). */
const SHOW_MAX = 400;

/** `"hello"` with escapes visible, cut with a byte count when long. */
export function showValue(v: string | null): string {
  if (v === null) return '(absent)';
  const q = JSON.stringify(v);
  if (q.length <= SHOW_MAX) return q;
  return `${q.slice(0, SHOW_MAX)}… (${Buffer.byteLength(v, 'utf8')} bytes)`;
}

/** A key as typed: bare when it is a plain word, JSON-quoted otherwise. */
export function showKey(k: string): string {
  return /^[\w.:/@+-]+$/u.test(k) ? k : JSON.stringify(k);
}

/** `12.3 ms` / `1.25 s`. */
export function showMs(ms: number): string {
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The `· node-2 · 3.1 ms` tail of an answer. */
export function metaTail(o: Pick<KvOutcome, 'servedBy' | 'latencyMs' | 'attempts'>, s: Style): string {
  const parts = [o.servedBy, showMs(o.latencyMs)];
  if (o.attempts > 1) parts.push(`${o.attempts} attempts`);
  return s.dim(`  · ${parts.join(' · ')}`);
}

/** The result part of a successful answer. */
export function resultText(o: Extract<KvOutcome, { ok: true }>, s: Style): string {
  const k = s.key(showKey(o.command.key));
  const r = o.result;
  switch (r.kind) {
    case 'put':
      return `${s.ok('OK')} ${k} = ${showValue((o.command as Extract<KvCommand, { kind: 'put' }>).value)}${indexText(r.index)}`;
    case 'get':
      return r.value === null ? `${k}: ${s.warn('(not found)')}` : `${k} = ${showValue(r.value)}`;
    case 'del':
      return r.deleted ? `${s.ok('OK')} ${k} deleted${indexText(r.index)}` : `${k}: ${s.warn('did not exist')} (nothing deleted)`;
    case 'cas': {
      const c = o.command as Extract<KvCommand, { kind: 'cas' }>;
      return `${s.ok('OK')} ${k}: ${showValue(c.from)} → ${showValue(c.to)}${indexText(r.index)}`;
    }
  }
}

/** One line for any outcome (result + meta, or the failure explained). */
export function renderOutcome(o: KvOutcome, s: Style): string {
  if (o.ok) return `${resultText(o, s)}${metaTail(o, s)}`;
  const tail = o.attempts > 0 ? metaTail(o, s) : '';
  return `${s.fail('✗')} ${explainFailure(o)}${tail}`;
}

/** What went wrong and what to try, in one line (without colours or the meta tail). */
export function explainFailure(o: Extract<KvOutcome, { ok: false }>): string {
  const e = o.error;
  const c = o.command;
  const maybe = o.uncertain ? `; the ${c.kind} may or may not have been applied — check with \`get ${showKey(c.key)}\`` : '';
  if (e.code === CANCELLED) return `cancelled${maybe}`;
  if (e.code === 'CAS_MISMATCH') {
    const now = e.current === undefined ? '' : e.current === null ? ' (it does not exist)' : ` (it holds ${showValue(e.current)})`;
    const c2 = c as Extract<KvCommand, { kind: 'cas' }>;
    const expected = c2.from === null ? 'to be absent' : `to hold ${showValue(c2.from)}`;
    return `cas failed: expected ${showKey(c.key)} ${expected}${now}`;
  }
  return `${outageText(e, o.deadlineMs, o.gaveUp)}${maybe}`;
}

/** The explanation of an error that is not an answer about the key (outage, bad input, ...). */
export function outageText(e: KvError, deadlineMs: number, gaveUp: boolean): string {
  const within = gaveUp ? ` (retried for ${showMs(deadlineMs)})` : '';
  const where = urlOf(e.message);
  switch (e.code) {
    case 'UNREACHABLE':
      return `[UNREACHABLE] nothing answers at ${where ?? 'the URL'}${within} — is the cluster running? try \`raft-sup up\`, then \`raft-sup status\``;
    case 'CONNECTION_LOST':
      return `[CONNECTION_LOST] the connection to ${where ?? 'the server'} broke${within} — try \`raft-sup status\``;
    case 'NO_QUORUM':
    case 'NOT_LEADER':
    case 'LEADERSHIP_LOST':
    case 'SHUTTING_DOWN':
      return `[${e.code}] no leader could serve it${within}: ${firstLine(e.message)} — a majority may be down or cut off; try \`raft-sup status\`, or \`raft-sup heal\` / \`raft-sup start all\``;
    case 'TIMEOUT':
      return `[TIMEOUT] no answer in time${within} — the cluster may have no leader; try \`raft-sup status\``;
    case 'UNAUTHORIZED':
      return `[UNAUTHORIZED] ${firstLine(e.message)} — pass --token`;
    default:
      return `[${e.code}] ${firstLine(e.message)}`;
  }
}

function indexText(index: number | undefined): string {
  return index === undefined || index < 0 ? '' : ` (index ${index})`;
}

function firstLine(m: string): string {
  return m.split('\n')[0] ?? m;
}

/** The base URL named in a client error message (`GET http://h:p/kv/a: ...` → `http://h:p`). */
function urlOf(message: string): string | undefined {
  const m = /https?:\/\/[^\s/:]+(?::\d+)?/u.exec(message);
  return m?.[0];
}
