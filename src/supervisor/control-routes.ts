// The control API the CLI talks to over the unix socket. JSON in, JSON out; every refusal is
// `{error: {code, message}}` with a message worded for the user (the CLI prints it as is).
//
//   GET  /ready                      startup progress (ReadyState)
//   GET  /status                     SPEC `status --json`
//   GET  /info                       pid, cluster shape, state dir
//   GET  /targets?target=T           the process names T stands for right now
//   POST /process/:action            {target, signal?} → {results: ActionResult[]}
//   POST /partition {groups}  ·  POST /isolate {target}  ·  POST /heal
//   POST /down                       stops every child, replies, then releases the socket and exits
import type { FastifyError, FastifyInstance } from 'fastify';
import { ChildStartError, ChildStateError } from './child-process.js';
import { isSupervisorErrorCode, SUPERVISOR_ERROR_STATUS, SupervisorError, type SupervisorErrorCode } from './errors.js';
import { PROCESS_ACTIONS, type ProcessAction } from './process-actions.js';
import { parseSignal } from './signals.js';
import type { Supervisor } from './supervisor.js';
import { TargetError } from './targets.js';

const targetString = { type: 'string', minLength: 1, maxLength: 1000 } as const;

/** The error body the CLI reads back. */
export interface ControlErrorBody {
  error: { code: SupervisorErrorCode; message: string };
}

export function registerControlRoutes(app: FastifyInstance, sup: Supervisor): void {
  app.setErrorHandler((err: FastifyError | Error, _req, reply) => {
    const { code, message } = classify(err);
    void reply.code(SUPERVISOR_ERROR_STATUS[code]).send({ error: { code, message } } satisfies ControlErrorBody);
  });

  app.get('/ready', async () => sup.readyState);
  app.get('/status', async () => sup.status());
  app.get('/info', async () => ({
    pid: process.pid,
    dir: sup.spec.dir,
    nodes: sup.spec.nodes,
    basePort: sup.spec.basePort,
    proxyPort: sup.spec.proxyPort,
    startedAt: new Date(sup.startedAt).toISOString(),
  }));
  app.get<{ Querystring: { target: string } }>('/targets', {
    schema: { querystring: { type: 'object', required: ['target'], additionalProperties: false, properties: { target: targetString } } },
  }, async (req) => ({ names: await sup.resolve(req.query.target) }));

  app.post<{ Params: { action: string }; Body: { target: string; signal?: string } }>('/process/:action', {
    schema: {
      body: { type: 'object', required: ['target'], additionalProperties: false, properties: { target: targetString, signal: { type: 'string', minLength: 1, maxLength: 20 } } },
    },
  }, async (req) => {
    const action = req.params.action;
    if (!(PROCESS_ACTIONS as readonly string[]).includes(action)) throw new SupervisorError('USAGE', `unknown action ${JSON.stringify(action)}; expected one of ${PROCESS_ACTIONS.join(', ')}`);
    if (req.body.signal !== undefined && action !== 'kill') throw new SupervisorError('USAGE', '--signal only applies to kill');
    const signal = req.body.signal === undefined ? undefined : parseSignal(req.body.signal);
    return { results: await sup.act(action as ProcessAction, req.body.target, signal) };
  });

  app.post<{ Body: { groups: string[] } }>('/partition', {
    schema: { body: { type: 'object', required: ['groups'], additionalProperties: false, properties: { groups: { type: 'array', minItems: 1, maxItems: 64, items: targetString } } } },
  }, async (req) => sup.partitionInto(req.body.groups));
  app.post<{ Body: { target: string } }>('/isolate', {
    schema: { body: { type: 'object', required: ['target'], additionalProperties: false, properties: { target: targetString } } },
  }, async (req) => sup.isolate(req.body.target));
  app.post('/heal', async () => sup.heal());

  app.post('/down', async (_req, reply) => {
    const stopped = await sup.stopChildren();
    // Release the socket only after this answer has left, so the CLI hears it.
    reply.raw.once('finish', () => { void sup.down(); });
    return { stopped };
  });
}

function classify(err: FastifyError | Error): { code: SupervisorErrorCode; message: string } {
  if (err instanceof SupervisorError) return { code: err.code, message: err.message };
  if (err instanceof TargetError) return { code: 'TARGET', message: err.message };
  if (err instanceof ChildStateError) return { code: 'STATE', message: err.message };
  if (err instanceof ChildStartError) return { code: 'STARTUP_FAILED', message: err.message };
  const fe = err as FastifyError;
  if (fe.validation !== undefined || fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (fe.statusCode !== undefined && fe.statusCode < 500)) {
    return { code: 'USAGE', message: `bad request to the supervisor: ${err.message}` };
  }
  const code = (err as { code?: unknown }).code;
  return { code: isSupervisorErrorCode(code) ? code : 'INTERNAL', message: err.message };
}
