// `raft-sup proxy`: flags → ProxyConfig (validated here) → startProxy → run until a signal or the lifeline.
import { parseMembers, intFlag } from '../node/index.js';
import { UsageError } from '../shared/cli-errors.js';
import { watchLifeline } from '../shared/lifeline.js';
import { PROXY_DEFAULTS, startProxy, validateProxyConfig } from './proxy.js';
import type { ProxyConfig } from './proxy.js';

export interface ProxyFlags {
  port?: string;
  nodes?: string;
  host?: string;
  token?: string;
  deadlineMs?: string;
  pollMs?: string;
  lifeline?: boolean;
  logDir?: string;
  logLevel?: string;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;

export function proxyConfigFromFlags(f: ProxyFlags, env: Record<string, string | undefined> = {}): ProxyConfig {
  if (f.port === undefined) throw new UsageError('--port is required (e.g. --port 5000)');
  if (f.nodes === undefined) throw new UsageError('--nodes is required (e.g. --nodes 1=http://127.0.0.1:5001,2=http://127.0.0.1:5002,3=http://127.0.0.1:5003)');
  const logLevel = f.logLevel ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new UsageError(`--log-level: expected one of ${LOG_LEVELS.join(', ')}, received ${logLevel}`);
  const c: ProxyConfig = {
    port: intFlag('--port', f.port, 0, 65_535),
    nodes: parseMembers(f.nodes, '--nodes'),
    host: f.host ?? PROXY_DEFAULTS.host,
    token: f.token ?? (env.RAFT_SUP_TOKEN || undefined),
    deadlineMs: f.deadlineMs === undefined ? PROXY_DEFAULTS.deadlineMs : intFlag('--deadline-ms', f.deadlineMs, 10, 600_000),
    pollMs: f.pollMs === undefined ? PROXY_DEFAULTS.pollMs : intFlag('--poll-ms', f.pollMs, 0, 600_000),
    lifeline: f.lifeline ?? false,
    logDir: f.logDir,
    logLevel: logLevel as ProxyConfig['logLevel'],
  };
  validateProxyConfig(c);
  return c;
}

export async function runProxy(config: ProxyConfig): Promise<void> {
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  try {
    proxy = await startProxy(config);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${config.port} on ${config.host} is already in use`);
    if (code === 'EADDRNOTAVAIL') throw new UsageError(`--host ${config.host} is not an address of this machine`);
    throw err;
  }
  let stopping = false;
  const stop = (why: string): Promise<void> => {
    if (stopping) return Promise.resolve();
    stopping = true;
    proxy.log.info(`stopping (${why})`);
    return proxy.close();
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    void stop(sig).then(() => process.exit(0));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  if (config.lifeline) watchLifeline({ onLost: (reason) => stop(reason) });
}
