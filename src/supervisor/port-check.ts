// Is each port the cluster needs free? Checked before anything is spawned, so a busy port is one
// clear line instead of a child that crashes with EADDRINUSE in the middle of `up`.
// (A port can still be taken between the check and the child's listen; the child then crashes and
// `up` reports that child's last log line.)
import { createServer } from 'node:net';
import type { ClusterSpec } from './cluster-spec.js';
import { portsOf } from './cluster-spec.js';
import { SupervisorError } from './errors.js';

/** Resolves true when `port` can be bound on `host` right now. */
export function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Throws SupervisorError('PORT_IN_USE') naming the first busy port, who needs it, and the flag to change. */
export async function assertPortsFree(spec: ClusterSpec): Promise<void> {
  const ports = portsOf(spec);
  const free = await Promise.all(ports.map((p) => portFree(p.port, spec.host)));
  const busy = ports.find((_, i) => free[i] === false);
  if (busy === undefined) return;
  const flag = busy.name === 'proxy' ? '--proxy-port' : '--base-port';
  throw new SupervisorError('PORT_IN_USE', `port ${busy.port} is already in use (needed for ${busy.name}); choose another with ${flag}`);
}

/**
 * Ports for tests, scenarios, chaos and bench clusters are drawn at random from below the kernel's
 * ephemeral range (Linux: 32768-60999). A port obtained by binding port 0 comes FROM that range, and
 * between releasing it and the child binding it, any outgoing connection on the machine may take it
 * as its local port — with clusters talking HTTP that race is real. Below the range, only another
 * explicit bind can collide, and a random draw over ~16,000 ports makes that rare; the check below
 * rules out what is already taken.
 */
const PICK_LOW = 16_000;
const PICK_HIGH = 32_000;

function randomPort(span: number): number {
  return PICK_LOW + Math.floor(Math.random() * (PICK_HIGH - PICK_LOW - span));
}

/** A port that is free right now, drawn from below the ephemeral range (for tests and benchmarks). */
export async function freePort(host = '127.0.0.1', attempts = 200): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const port = randomPort(1);
    if (await portFree(port, host)) return port;
  }
  throw new Error(`no free port found in ${PICK_LOW}-${PICK_HIGH} after ${attempts} attempts`);
}

/** `count` consecutive free ports (for `--base-port` in tests), drawn like freePort. */
export async function freePortBlock(count: number, host = '127.0.0.1', attempts = 200): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const first = randomPort(count);
    const free = await Promise.all(Array.from({ length: count }, (_, k) => portFree(first + k, host)));
    if (free.every(Boolean)) return first;
  }
  throw new Error(`no block of ${count} free consecutive ports found in ${PICK_LOW}-${PICK_HIGH} after ${attempts} attempts`);
}
