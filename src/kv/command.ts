// KV commands and their log encoding. The encoded string is what sits in Entry.data, in the WAL and
// in every append message, so it is compact (a JSON array with a one-letter tag) and deterministic
// (the same command always encodes to the same bytes, whatever key order the caller's object had).
//
//   put:    ["p", key, value]            or ["p", key, value, clientId, seq]
//   delete: ["d", key]                   or ["d", key, clientId, seq]
//   cas:    ["c", key, from|null, to]    or ["c", key, from|null, to, clientId, seq]
//
// Only our own encoder writes the log, so a decode failure is a programmer error (or corruption that
// storage failed to detect): it throws with a message that says what was wrong, never returns junk.

/** A write the state machine applies. clientId + seq (both or neither) make it exactly-once (thesis §6.3). */
export type KvCommand =
  | { op: 'put'; key: string; value: string; clientId?: string; seq?: number }
  | { op: 'delete'; key: string; clientId?: string; seq?: number }
  | { op: 'cas'; key: string; from: string | null; to: string; clientId?: string; seq?: number };

/** Thrown by encodeCommand/decodeCommand: a bug or corruption, never a client's bad input. */
export class KvCommandError extends Error {
  override readonly name = 'KvCommandError';
}

type Session = { clientId: string; seq: number } | undefined;

/** Serialises a command for Entry.data; throws KvCommandError on an ill-formed command. */
export function encodeCommand(cmd: KvCommand): string {
  const session = checkSession(cmd.clientId, cmd.seq, 'encodeCommand');
  expectString(cmd.key, 'key', 'encodeCommand');
  // Arrays of a fixed length per case, no spread: this runs once per write on the leader.
  switch (cmd.op) {
    case 'put':
      expectString(cmd.value, 'value', 'encodeCommand');
      return JSON.stringify(session === undefined ? ['p', cmd.key, cmd.value] : ['p', cmd.key, cmd.value, session.clientId, session.seq]);
    case 'delete':
      return JSON.stringify(session === undefined ? ['d', cmd.key] : ['d', cmd.key, session.clientId, session.seq]);
    case 'cas':
      if (cmd.from !== null) expectString(cmd.from, 'from', 'encodeCommand');
      expectString(cmd.to, 'to', 'encodeCommand');
      return JSON.stringify(session === undefined ? ['c', cmd.key, cmd.from, cmd.to] : ['c', cmd.key, cmd.from, cmd.to, session.clientId, session.seq]);
    default:
      throw new KvCommandError(`encodeCommand: unknown op ${JSON.stringify((cmd as { op: unknown }).op)} (expected put, delete or cas)`);
  }
}

/** Parses Entry.data back into a command; throws KvCommandError naming what is wrong. */
export function decodeCommand(data: string): KvCommand {
  if (typeof data !== 'string') throw new KvCommandError(`decodeCommand: expected a string, received ${typeof data}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new KvCommandError(`decodeCommand: not JSON: ${preview(data)}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new KvCommandError(`decodeCommand: expected a non-empty JSON array, received ${preview(data)}`);
  }
  const [tag, key] = parsed as unknown[];
  expectString(key, 'key', 'decodeCommand');
  // Fixed arity per tag: the session pair is either wholly present or wholly absent.
  const arity = tag === 'p' ? 3 : tag === 'd' ? 2 : tag === 'c' ? 4 : undefined;
  if (arity === undefined) {
    throw new KvCommandError(`decodeCommand: unknown tag ${JSON.stringify(tag)} (expected "p", "d" or "c") in ${preview(data)}`);
  }
  if (parsed.length !== arity && parsed.length !== arity + 2) {
    throw new KvCommandError(`decodeCommand: tag "${String(tag)}" takes ${arity} or ${arity + 2} elements, received ${parsed.length} in ${preview(data)}`);
  }
  const session = parsed.length === arity ? undefined : checkSession(parsed[arity], parsed[arity + 1], 'decodeCommand');
  // Each object built whole, in one shape per case (no spread): this runs for every applied entry
  // on every node, and a copy-with-spread per command was the largest cost of applying a catch-up.
  switch (tag) {
    case 'p': {
      const value: unknown = parsed[2];
      expectString(value, 'value', 'decodeCommand');
      return session === undefined ? { op: 'put', key, value } : { op: 'put', key, value, clientId: session.clientId, seq: session.seq };
    }
    case 'd':
      return session === undefined ? { op: 'delete', key } : { op: 'delete', key, clientId: session.clientId, seq: session.seq };
    default: {
      const from: unknown = parsed[2];
      const to: unknown = parsed[3];
      if (from !== null) expectString(from, 'from', 'decodeCommand');
      expectString(to, 'to', 'decodeCommand');
      return session === undefined ? { op: 'cas', key, from, to } : { op: 'cas', key, from, to, clientId: session.clientId, seq: session.seq };
    }
  }
}

function checkSession(clientId: unknown, seq: unknown, where: string): Session {
  if (clientId === undefined && seq === undefined) return undefined;
  if (typeof clientId !== 'string' || clientId.length === 0) {
    throw new KvCommandError(`${where}: clientId must be a non-empty string when seq is given, received ${describe(clientId)}`);
  }
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new KvCommandError(`${where}: seq must be a non-negative safe integer when clientId is given, received ${describe(seq)}`);
  }
  return { clientId, seq };
}

function expectString(x: unknown, field: string, where: string): asserts x is string {
  if (typeof x !== 'string') throw new KvCommandError(`${where}: ${field} must be a string, received ${describe(x)}`);
}

function describe(x: unknown): string {
  if (x === undefined) return 'undefined';
  return `${typeof x} ${preview(JSON.stringify(x) ?? String(x))}`;
}

function preview(s: string): string {
  return s.length <= 80 ? s : `${s.slice(0, 80)}… (${s.length} chars)`;
}
