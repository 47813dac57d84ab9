// Bad requests every KV door (node and proxy) must refuse with a definite 4xx and a stable code.
// Each case: what is sent, and the status + error code expected back.
export interface BadInput {
  readonly name: string;
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly payload?: string | Buffer;
  readonly status: number;
  readonly code: string;
}

const json = { 'content-type': 'application/json' };
const MiB = 1024 * 1024;

export const KV_BAD_INPUTS: readonly BadInput[] = [
  { name: 'text/plain body', method: 'PUT', url: '/kv/a', headers: { 'content-type': 'text/plain' }, payload: 'hello', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'form body', method: 'PUT', url: '/kv/a', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'value=x', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'malformed JSON', method: 'PUT', url: '/kv/a', headers: json, payload: '{"value": "x"', status: 400, code: 'INVALID_BODY' },
  { name: 'empty JSON body', method: 'PUT', url: '/kv/a', headers: json, payload: '', status: 400, code: 'INVALID_BODY' },
  { name: 'missing value', method: 'PUT', url: '/kv/a', headers: json, payload: '{}', status: 400, code: 'INVALID_BODY' },
  { name: 'number value (no coercion)', method: 'PUT', url: '/kv/a', headers: json, payload: '{"value": 5}', status: 400, code: 'INVALID_BODY' },
  { name: 'null value', method: 'PUT', url: '/kv/a', headers: json, payload: '{"value": null}', status: 400, code: 'INVALID_BODY' },
  { name: 'array body', method: 'PUT', url: '/kv/a', headers: json, payload: '["x"]', status: 400, code: 'INVALID_BODY' },
  { name: 'unknown field (not dropped)', method: 'PUT', url: '/kv/a', headers: json, payload: '{"value": "x", "ttl": 5}', status: 400, code: 'INVALID_BODY' },
  { name: '__proto__ poisoning', method: 'PUT', url: '/kv/a', headers: json, payload: '{"value": "x", "__proto__": {"admin": true}}', status: 400, code: 'INVALID_BODY' },
  { name: 'constructor.prototype poisoning', method: 'PUT', url: '/kv/a', headers: json, payload: '{"value": "x", "constructor": {"prototype": {"admin": true}}}', status: 400, code: 'INVALID_BODY' },
  { name: 'value of 1 MiB + 1 byte', method: 'PUT', url: '/kv/a', headers: json, payload: JSON.stringify({ value: 'v'.repeat(MiB + 1) }), status: 413, code: 'VALUE_TOO_LARGE' },
  { name: 'body of 2 MiB', method: 'PUT', url: '/kv/a', headers: json, payload: JSON.stringify({ value: 'v'.repeat(2 * MiB) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'value with a lone surrogate', method: 'PUT', url: '/kv/a', headers: json, payload: '{"value": "\\ud800"}', status: 400, code: 'INVALID_BODY' },
  { name: 'key with NUL', method: 'PUT', url: '/kv/a%00b', headers: json, payload: '{"value": "x"}', status: 400, code: 'INVALID_KEY' },
  { name: 'key with newline', method: 'GET', url: '/kv/a%0Ab', status: 400, code: 'INVALID_KEY' },
  { name: 'key with DEL', method: 'GET', url: '/kv/a%7F', status: 400, code: 'INVALID_KEY' },
  { name: 'key of 1025 bytes', method: 'GET', url: `/kv/${'k'.repeat(1025)}`, status: 400, code: 'INVALID_KEY' },
  { name: 'key of 513 two-byte characters (1026 bytes)', method: 'GET', url: `/kv/${encodeURIComponent('é'.repeat(513))}`, status: 400, code: 'INVALID_KEY' },
  { name: 'key longer than the router allows', method: 'GET', url: `/kv/${'%41'.repeat(3000)}`, status: 400, code: 'INVALID_KEY' },
  { name: 'broken percent-encoding', method: 'GET', url: '/kv/%E0%A4%A', status: 400, code: 'INVALID_KEY' },
  { name: 'empty key', method: 'GET', url: '/kv/', status: 400, code: 'INVALID_KEY' },
  { name: 'unknown consistency', method: 'GET', url: '/kv/a?consistency=eventual', status: 400, code: 'INVALID_QUERY' },
  { name: 'unknown query parameter', method: 'GET', url: '/kv/a?limit=5', status: 400, code: 'INVALID_QUERY' },
  { name: 'repeated consistency', method: 'GET', url: '/kv/a?consistency=stale&consistency=stale', status: 400, code: 'INVALID_QUERY' },
  { name: 'x-request-seq without x-client-id', method: 'PUT', url: '/kv/a', headers: { ...json, 'x-request-seq': '1' }, payload: '{"value": "x"}', status: 400, code: 'INVALID_HEADER' },
  { name: 'non-numeric x-request-seq', method: 'PUT', url: '/kv/a', headers: { ...json, 'x-client-id': 'c1', 'x-request-seq': 'one' }, payload: '{"value": "x"}', status: 400, code: 'INVALID_HEADER' },
  { name: 'negative seq in body', method: 'PUT', url: '/kv/a', headers: json, payload: '{"value": "x", "clientId": "c1", "seq": -1}', status: 400, code: 'INVALID_BODY' },
  { name: 'clientId without seq in body', method: 'PUT', url: '/kv/a', headers: json, payload: '{"value": "x", "clientId": "c1"}', status: 400, code: 'INVALID_BODY' },
  { name: 'body and headers disagree on seq', method: 'PUT', url: '/kv/a', headers: { ...json, 'x-client-id': 'c1', 'x-request-seq': '2' }, payload: '{"value": "x", "clientId": "c1", "seq": 3}', status: 400, code: 'INVALID_BODY' },
  { name: 'cas with numeric from', method: 'POST', url: '/kv/a/cas', headers: json, payload: '{"from": 1, "to": "x"}', status: 400, code: 'INVALID_BODY' },
  { name: 'cas without from', method: 'POST', url: '/kv/a/cas', headers: json, payload: '{"to": "x"}', status: 400, code: 'INVALID_BODY' },
  { name: 'delete with unknown body field', method: 'DELETE', url: '/kv/a', headers: json, payload: '{"force": true}', status: 400, code: 'INVALID_BODY' },
  { name: 'unknown method on a key', method: 'PATCH', url: '/kv/a', headers: json, payload: '{"value": "x"}', status: 404, code: 'NOT_FOUND' },
  { name: 'unknown route', method: 'GET', url: '/keys', status: 404, code: 'NOT_FOUND' },
  { name: 'batch without ops', method: 'POST', url: '/batch', headers: json, payload: '{}', status: 400, code: 'INVALID_BODY' },
  { name: 'batch with empty ops', method: 'POST', url: '/batch', headers: json, payload: '{"ops": []}', status: 400, code: 'INVALID_BODY' },
  { name: 'batch ops not an array', method: 'POST', url: '/batch', headers: json, payload: '{"ops": {"op": "get", "key": "a"}}', status: 400, code: 'INVALID_BODY' },
  { name: 'batch op that is not an object', method: 'POST', url: '/batch', headers: json, payload: '{"ops": ["get a"]}', status: 400, code: 'INVALID_BODY' },
  { name: 'batch with an unknown top-level field', method: 'POST', url: '/batch', headers: json, payload: '{"ops": [{"op": "get", "key": "a"}], "atomic": true}', status: 400, code: 'INVALID_BODY' },
  { name: 'batch of 1,025 ops', method: 'POST', url: '/batch', headers: json, payload: JSON.stringify({ ops: Array.from({ length: 1025 }, () => ({ op: 'get', key: 'a' })) }), status: 400, code: 'INVALID_BODY' },
  { name: 'batch as text/plain', method: 'POST', url: '/batch', headers: { 'content-type': 'text/plain' }, payload: '{"ops": []}', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'batch body over 8 MiB', method: 'POST', url: '/batch', headers: json, payload: JSON.stringify({ ops: Array.from({ length: 9 }, (_, i) => ({ op: 'put', key: `k${i}`, value: 'v'.repeat(MiB) })) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'missing key reads as 404', method: 'GET', url: '/kv/never-written', status: 404, code: 'KEY_NOT_FOUND' },
];
