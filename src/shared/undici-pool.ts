// undici's Pool on its own. `import { Pool } from 'undici'` also loads fetch, WebSocket, cookies,
// EventSource, the mock agent and more: ~80 ms of a node's or the proxy's start-up, none of which
// they use (and a node's start-up is on the path of every restart). The pool and the request API
// are ~25 ms. undici's index does exactly this to make `pool.request()` exist: it copies the API
// functions onto Dispatcher.prototype. test/shared/undici-pool.test.ts checks that it still works
// with the installed undici (the deep paths are not covered by undici's semver).
import type { Pool as PoolType } from 'undici';
import PoolImpl from 'undici/lib/dispatcher/pool.js';
import DispatcherImpl from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';

Object.assign(DispatcherImpl.prototype, api);

export type Pool = PoolType;
export const Pool = PoolImpl;
