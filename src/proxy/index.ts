// The proxy's public face: start one in-process or from flags, and its routing pieces.
export { startProxy, validateProxyConfig, PROXY_DEFAULTS } from './proxy.js';
export type { ProxyConfig, RunningProxy } from './proxy.js';
export { proxyConfigFromFlags, runProxy } from './main.js';
export type { ProxyFlags } from './main.js';
export { ProxyRouter, ROUTER_DEFAULTS } from './router.js';
export type { RouterOptions } from './router.js';
export { LeaderTracker } from './leader-tracker.js';
export type { TrackedNode, LeaderTrackerOptions } from './leader-tracker.js';
export { SessionLanes } from './session-lanes.js';
export { buildProxyApp } from './app.js';
export type { ProxyContext } from './app.js';
