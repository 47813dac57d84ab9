import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCommand, encodeCommand, KvCommandError, type KvCommand } from '../../src/kv/index.js';

const samples: KvCommand[] = [
  { op: 'put', key: 'a', value: 'hola' },
  { op: 'put', key: 'ключ "q"\n', value: '', clientId: 'proxy-1', seq: 0 },
  { op: 'delete', key: 'a' },
  { op: 'delete', key: 'a', clientId: 'c', seq: 7 },
  { op: 'cas', key: 'a', from: null, to: 'x' },
  { op: 'cas', key: 'a', from: 'x', to: 'y', clientId: 'c', seq: 2 ** 40 },
];

test('every command survives encode then decode unchanged', () => {
  for (const cmd of samples) assert.deepEqual(decodeCommand(encodeCommand(cmd)), cmd);
});

test('encoding is compact and does not depend on the key order of the command object', () => {
  assert.equal(encodeCommand({ op: 'put', key: 'k', value: 'v' }), '["p","k","v"]');
  assert.equal(encodeCommand({ seq: 3, clientId: 'c', value: 'v', key: 'k', op: 'put' }), '["p","k","v","c",3]');
  assert.equal(encodeCommand({ to: 'b', from: null, key: 'k', op: 'cas' }), '["c","k",null,"b"]');
});

test('a clientId without a seq (or the reverse) is refused when encoding', () => {
  assert.throws(() => encodeCommand({ op: 'put', key: 'k', value: 'v', clientId: 'c' }), /seq must be a non-negative safe integer/);
  assert.throws(() => encodeCommand({ op: 'delete', key: 'k', seq: 1 }), /clientId must be a non-empty string/);
  assert.throws(() => encodeCommand({ op: 'delete', key: 'k', clientId: 'c', seq: 1.5 }), KvCommandError);
});

test('encoding refuses an unknown op or a non-string value', () => {
  assert.throws(() => encodeCommand({ op: 'get', key: 'k' } as unknown as KvCommand), /unknown op "get"/);
  assert.throws(() => encodeCommand({ op: 'put', key: 'k', value: 5 } as unknown as KvCommand), /value must be a string/);
});

test('decoding garbage throws a KvCommandError that says what was wrong', () => {
  const cases: [string, RegExp][] = [
    ['', /not JSON/],
    ['{"op":"put"}', /expected a non-empty JSON array/],
    ['[]', /expected a non-empty JSON array/],
    ['["x","k"]', /unknown tag "x"/],
    ['["p","k"]', /takes 3 or 5 elements, received 2/],
    ['["p","k","v","c"]', /takes 3 or 5 elements, received 4/],
    ['["p",1,"v"]', /key must be a string/],
    ['["p","k",null]', /value must be a string/],
    ['["c","k",3,"v"]', /from must be a string/],
    ['["d","k","",1]', /clientId must be a non-empty string/],
    ['["d","k","c",-1]', /seq must be a non-negative safe integer/],
  ];
  for (const [data, message] of cases) {
    assert.throws(() => decodeCommand(data), (err: unknown) => err instanceof KvCommandError && message.test(err.message), data);
  }
});
