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

/** A port the OS considers free right now (bind port 0, read it, close): for tests and benchmarks. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `count` consecutive free ports (for `--base-port` in tests): a free port, then its neighbours. */
export async function freePortBlock(count: number, host = '127.0.0.1', attempts = 50): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const first = await freePort(host);
    if (first + count - 1 > 65_535) continue;
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, k) => portFree(first + k + 1, host)));
    if (rest.every(Boolean)) return first;
  }
  throw new Error(`no block of ${count} free consecutive ports found after ${attempts} attempts`);
}
