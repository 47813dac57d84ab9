// ESLint flat config: typescript-eslint everywhere, plus the purity fence around src/raft/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pureCoreBans = {
  'no-restricted-imports': ['error', {
    patterns: [
      { group: ['node:*'], message: 'src/raft is pure: no node: imports.' },
      { group: ['fs', 'fs/*', 'path', 'os', 'net', 'http', 'https', 'dgram', 'child_process', 'crypto', 'zlib', 'timers', 'timers/*', 'worker_threads', 'undici', 'fastify', 'execa', 'pino'], message: 'src/raft is pure: no I/O, network or runtime modules.' },
      { group: ['../*', '!../raft/*'], message: 'src/raft imports nothing outside src/raft.' },
    ],
  }],
  'no-restricted-globals': ['error',
    { name: 'Date', message: 'src/raft is pure: time arrives as ticks.' },
    { name: 'process', message: 'src/raft is pure: no process access.' },
    { name: 'setTimeout', message: 'src/raft is pure: no timers.' },
    { name: 'setInterval', message: 'src/raft is pure: no timers.' },
    { name: 'setImmediate', message: 'src/raft is pure: no timers.' },
    { name: 'queueMicrotask', message: 'src/raft is pure: no scheduling.' },
    { name: 'performance', message: 'src/raft is pure: no clocks.' },
    { name: 'fetch', message: 'src/raft is pure: no network.' },
    { name: 'require', message: 'src/raft is pure.' },
  ],
  'no-restricted-properties': ['error',
    { object: 'Math', property: 'random', message: 'src/raft is pure: randomness is injected.' },
    { object: 'globalThis', message: 'src/raft is pure.' },
  ],
  'no-restricted-syntax': ['error',
    { selector: 'AwaitExpression', message: 'src/raft is pure: no await.' },
    { selector: 'FunctionDeclaration[async=true], FunctionExpression[async=true], ArrowFunctionExpression[async=true]', message: 'src/raft is pure: no async.' },
    { selector: 'ImportExpression', message: 'src/raft is pure: no dynamic import.' },
    { selector: "NewExpression[callee.name='Promise']", message: 'src/raft is pure: no promises.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.raft-sup/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', performance: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['src/raft/**/*.ts'], rules: pureCoreBans },
  // Arrows point one way: cli → supervisor/scenarios/chaos/bench/client → node/proxy → raft/kv/storage.
  {
    files: ['src/node/**/*.ts', 'src/proxy/**/*.ts', 'src/client/**/*.ts', 'src/shared/**/*.ts', 'src/check/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/supervisor/*', '**/cli/*', '**/scenarios/*', '**/chaos/*', '**/bench/*'], message: 'Lower layers never import the supervisor, CLI, scenarios, chaos or bench.' }],
      }],
    },
  },
  {
    files: ['src/kv/**/*.ts', 'src/storage/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/supervisor/*', '**/cli/*', '**/scenarios/*', '**/chaos/*', '**/bench/*', '**/node/*', '**/proxy/*', '**/client/*'], message: 'kv and storage sit under the node: they import only raft and shared.' }],
      }],
    },
  },
);
