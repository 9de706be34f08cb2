// /containers/{id}/stats and /containers/{id}/update: resource usage and live resource changes.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { SERVER_HEADERS, sendJson } from '../http/responses.js';
import { boolParam, readJson } from '../http/request-body.js';
import { containerStats } from '../../container/stats-stream.js';
import { type UpdateRequest, updateContainer } from '../../container/update-resources.js';

export function containerOpsRoutes(r: Router, engine: Engine): void {
  const cs = engine.containers;

  r.add('GET', '/containers/:id/stats', async (ctx) => {
    const c = cs.store.resolve(ctx.params.id!);
    const stream = boolParam(ctx.query, 'stream', true);
    const oneShot = boolParam(ctx.query, 'one-shot');
    const res = ctx.res!;
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    res.writeHead(200, { ...SERVER_HEADERS, 'Content-Type': 'application/json' });
    if (stream) res.flushHeaders();
    for await (const s of containerStats(() => cs.store.get(c.id), engine.config.cgroupParent, { stream, oneShot, signal: abort.signal })) {
      if (abort.signal.aborted) break;
      res.write(JSON.stringify(s) + '\n');
    }
    res.end();
  });

  r.add('POST', '/containers/:id/update', async (ctx) => {
    const body = (await readJson<UpdateRequest>(ctx.req)) ?? {};
    const result = await updateContainer(cs.store, cs.deps.runc, ctx.params.id!, body);
    cs.emit(cs.store.resolve(ctx.params.id!), 'update');
    sendJson(ctx.res!, 200, result);
  });
}
