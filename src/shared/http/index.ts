// HTTP pieces shared by the node and the proxy: hardened server options, auth, error mapping, KV routes.
export * from './hardening.js';
export * from './kv-routes.js';
