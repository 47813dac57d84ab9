// The client library's public face: a typed KV/status/admin client and its error type.
export { KvClient, networkError } from './kv-client.js';
export type { KvClientOptions, WriteOptions, ReadOptions, RawAnswer } from './kv-client.js';
export { KvError, errorFromAnswer, localError } from './kv-error.js';
