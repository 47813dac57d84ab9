// Assembles and starts the proxy: leader tracker → router → HTTP app → listen.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { UsageError } from '../shared/cli-errors.js';
import { createLogger } from '../shared/index.js';
import { isLoopbackHost } from '../shared/http/index.js';
import { buildProxyApp } from './app.js';
import { LeaderTracker } from './leader-tracker.js';
import { ProxyRouter, ROUTER_DEFAULTS } from './router.js';

export const PROXY_DEFAULTS = {
  host: '127.0.0.1',
  deadlineMs: ROUTER_DEFAULTS.deadlineMs,
  pollMs: 1_000,
  statusTimeoutMs: 400,
  connections: 128,
} as const;

export interface ProxyConfig {
  readonly host: string;
  /** 0 = any free port (tests). */
  readonly port: number;
  /** Every node: id → base URL. */
  readonly nodes: ReadonlyMap<number, string>;
  readonly token?: string | undefined;
  /** Overall deadline of one client request, retries included. */
  readonly deadlineMs: number;
  readonly pollMs: number;
  readonly lifeline: boolean;
  readonly logDir?: string | undefined;
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

export interface RunningProxy {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly tracker: LeaderTracker;
  readonly router: ProxyRouter;
  readonly log: Logger;
  close(): Promise<void>;
}

export function validateProxyConfig(c: ProxyConfig): void {
  if (c.nodes.size === 0) throw new UsageError('--nodes must name at least one node');
  if (!isLoopbackHost(c.host) && !c.token) {
    throw new UsageError(`--host ${c.host} is reachable from other machines: set a token with --token or RAFT_SUP_TOKEN, or bind 127.0.0.1`);
  }
  if (c.token !== undefined && c.token.length < 8) throw new UsageError('--token must be at least 8 characters');
}

export async function startProxy(config: ProxyConfig, opts: { log?: Logger } = {}): Promise<RunningProxy> {
  const log =
    opts.log ??
    createLogger({
      bindings: { proxy: true },
      level: config.logLevel,
      ...(config.logDir !== undefined ? { errorFile: `${config.logDir}/proxy.errors.log` } : {}),
    });
  const tracker = new LeaderTracker({
    nodes: config.nodes,
    token: config.token,
    pollMs: config.pollMs,
    statusTimeoutMs: PROXY_DEFAULTS.statusTimeoutMs,
    minRefreshGapMs: 15,
    connections: PROXY_DEFAULTS.connections,
  });
  const router = new ProxyRouter(tracker, { deadlineMs: config.deadlineMs });
  const app = buildProxyApp({ router, tracker, log, token: config.token, startedAt: performance.now() });
  let url: string;
  try {
    url = await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await tracker.close();
    throw err;
  }
  tracker.start();
  log.info({ url, nodes: Object.fromEntries(config.nodes) }, `proxy listening on ${url} for nodes ${[...config.nodes].map(([id, u]) => `${id}=${u}`).join(',')}`);
  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    tracker,
    router,
    log,
    close: () => {
      closing ??= (async () => {
        await app.close().catch(() => undefined);
        await tracker.close();
      })();
      return closing;
    },
  };
}
