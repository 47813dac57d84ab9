// HTTP pieces shared by the node and the proxy: hardened server options, auth, error mapping, KV and batch routes.
export * from './hardening.js';
export * from './kv-routes.js';
export * from './batch-routes.js';
