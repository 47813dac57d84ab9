// Shared vocabulary: the error table and JSON shape, the process logger, CLI error classes.
export * from './errors.js';
export * from './logger.js';
export * from './cli-errors.js';
export * from './api-types.js';
export * from './limits.js';
