// Input limits from SPEC, checked the same way on nodes and on the proxy.

/** Keys: 1..1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;
/** Values: up to 1 MiB of UTF-8. */
export const MAX_VALUE_BYTES = 1024 * 1024;
/** Client ids (x-client-id): 1..128 printable ASCII characters. */
export const MAX_CLIENT_ID_LENGTH = 128;

// C0 controls, DEL, C1 controls; and lone surrogates, which are not UTF-8 at all.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const LONE_SURROGATE = /\p{Cs}/u;

/** Returns why `key` is not acceptable, or undefined when it is. */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return `must be a string, received ${key === null ? 'null' : typeof key}`;
  if (key.length === 0) return 'must not be empty';
  if (LONE_SURROGATE.test(key)) return 'must be valid UTF-8 (it contains a lone surrogate)';
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) return `must be at most ${MAX_KEY_BYTES} bytes of UTF-8, received ${bytes}`;
  if (CONTROL.test(key)) return 'must not contain control characters';
  return undefined;
}

/** Returns why `value` is not acceptable (and whether it is a size problem), or undefined. */
export function valueProblem(value: string, field = 'value'): { detail: string; tooLarge: boolean } | undefined {
  if (value.length > MAX_VALUE_BYTES || Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) {
    return { detail: `${field} must be at most ${MAX_VALUE_BYTES} bytes of UTF-8, received ${Buffer.byteLength(value, 'utf8')}`, tooLarge: true };
  }
  if (LONE_SURROGATE.test(value)) return { detail: `${field} must be valid UTF-8 (it contains a lone surrogate)`, tooLarge: false };
  return undefined;
}

/** Returns why a client id is not acceptable, or undefined. */
export function clientIdProblem(id: string): string | undefined {
  if (id.length === 0 || id.length > MAX_CLIENT_ID_LENGTH) return `clientId must be 1..${MAX_CLIENT_ID_LENGTH} characters`;
  if (!/^[\x21-\x7e]+$/.test(id)) return 'clientId must be printable ASCII without spaces';
  return undefined;
}
