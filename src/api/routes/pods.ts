// /berth/v1/pods/… routes (berth's extension, docs/pods.md): translation between HTTP and the pod service.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { SERVER_HEADERS, sendJson, sendNoContent } from '../http/responses.js';
import { boolParam, intParam, readJson } from '../http/request-body.js';
import { logParams } from '../http/log-params.js';
import { pumpOutput, streamMediaType } from '../http/hijack.js';
import { formatLogTime } from '../../container/log-file.js';
import { FilterArgs } from '../../filters/mod.js';
import type { PodCreateRequest } from '../../pod/pod-options.js';

const BASE = '/berth/v1/pods';

export function podRoutes(r: Router, engine: Engine): void {
  const pods = engine.pods;

  r.add('POST', `${BASE}/create`, async (ctx) => {
    const body = (await readJson<PodCreateRequest>(ctx.req)) ?? {};
    sendJson(ctx.res!, 201, await pods.create(body));
  });

  r.add('GET', `${BASE}/json`, (ctx) => {
    sendJson(ctx.res!, 200, pods.list(FilterArgs.parse(ctx.query.get('filters'))));
  });

  r.add('POST', `${BASE}/prune`, async (ctx) => {
    sendJson(ctx.res!, 200, await pods.prune(FilterArgs.parse(ctx.query.get('filters'))));
  });

  r.add('GET', `${BASE}/:name/json`, (ctx) => {
    sendJson(ctx.res!, 200, pods.inspect(ctx.params.name!));
  });

  r.add('GET', `${BASE}/:name/exists`, (ctx) => {
    pods.resolve(ctx.params.name!);
    sendNoContent(ctx.res!);
  });

  r.add('POST', `${BASE}/:name/start`, async (ctx) => {
    sendJson(ctx.res!, 200, await pods.start(ctx.params.name!));
  });

  r.add('POST', `${BASE}/:name/stop`, async (ctx) => {
    sendJson(ctx.res!, 200, await pods.stop(ctx.params.name!, intParam(ctx.query, 't')));
  });

  r.add('POST', `${BASE}/:name/restart`, async (ctx) => {
    sendJson(ctx.res!, 200, await pods.restart(ctx.params.name!, intParam(ctx.query, 't')));
  });

  r.add('POST', `${BASE}/:name/kill`, async (ctx) => {
    sendJson(ctx.res!, 200, await pods.kill(ctx.params.name!, ctx.query.get('signal') || 'SIGKILL'));
  });

  r.add('POST', `${BASE}/:name/pause`, async (ctx) => {
    sendJson(ctx.res!, 200, await pods.pause(ctx.params.name!));
  });

  r.add('POST', `${BASE}/:name/unpause`, async (ctx) => {
    sendJson(ctx.res!, 200, await pods.unpause(ctx.params.name!));
  });

  r.add('DELETE', `${BASE}/:name`, async (ctx) => {
    const t = intParam(ctx.query, 't');
    sendJson(ctx.res!, 200, await pods.remove(ctx.params.name!, { force: boolParam(ctx.query, 'force'), ...(t !== undefined ? { timeout: t } : {}) }));
  });

  r.add('GET', `${BASE}/:name/top`, async (ctx) => {
    sendJson(ctx.res!, 200, await pods.top(ctx.params.name!, ctx.query.get('ps_args') || undefined));
  });

  r.add('GET', `${BASE}/:name/logs`, async (ctx) => {
    const q = ctx.query;
    const abort = new AbortController();
    const entries = pods.logs(ctx.params.name!, {
      ...logParams(q),
      containers: q.getAll('container'),
      names: boolParam(q, 'names'),
      signal: abort.signal,
    });
    const res = ctx.res!;
    res.writeHead(200, { ...SERVER_HEADERS, 'Content-Type': streamMediaType(ctx.version, true) });
    res.flushHeaders();
    res.on('close', () => abort.abort());
    await pumpOutput(entries, res, false, boolParam(q, 'timestamps'), formatLogTime);
    res.end();
  });
}
