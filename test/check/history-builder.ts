// A tiny DSL for hand-written histories: `h.put(client, key, value, [invoke, complete])`.
// complete = null makes the op 'info'; `extra` overrides any field (e.g. { outcome: 'fail' }).
import type { Operation } from '../../src/check/index.js';

type Span = [number, number | null];

export class HistoryBuilder {
  readonly ops: Operation[] = [];

  private add(op: Omit<Operation, 'id' | 'outcome' | 'invoke' | 'complete'>, [invoke, complete]: Span, extra: Partial<Operation>): Operation {
    const full: Operation = { id: this.ops.length, ...op, invoke, complete, outcome: complete === null ? 'info' : 'ok', ...extra };
    this.ops.push(full);
    return full;
  }

  put(client: number, key: string, value: string, span: Span, extra: Partial<Operation> = {}): Operation {
    return this.add({ client, kind: 'put', key, value }, span, extra);
  }

  get(client: number, key: string, value: string | null, span: Span, extra: Partial<Operation> = {}): Operation {
    return this.add({ client, kind: 'get', key, value }, span, extra);
  }

  del(client: number, key: string, deleted: boolean | undefined, span: Span, extra: Partial<Operation> = {}): Operation {
    return this.add({ client, kind: 'delete', key, ...(deleted === undefined ? {} : { deleted }) }, span, extra);
  }

  /** A cas that applied (or, with `{ casFailed: true }`, answered 409). */
  cas(client: number, key: string, from: string | null, to: string, span: Span, extra: Partial<Operation> = {}): Operation {
    return this.add({ client, kind: 'cas', key, from, value: to }, span, extra);
  }
}
