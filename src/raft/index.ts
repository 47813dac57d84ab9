// The only public face of the pure Raft core.
export * from './types.js';
