// The client library's public face: a typed KV/status/admin client, a batching front for it, and its error type.
export { KvClient, networkError } from './kv-client.js';
export type { KvClientOptions, WriteOptions, ReadOptions, RawAnswer } from './kv-client.js';
export { KvError, errorFromAnswer, localError } from './kv-error.js';
export { KvBatcher } from './kv-batcher.js';
export type { KvBatcherOptions } from './kv-batcher.js';
