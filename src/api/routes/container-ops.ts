// /containers/{id}/stats and /containers/{id}/update: resource usage and live resource changes.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { SERVER_HEADERS, sendJson } from '../http/responses.js';
import { boolParam, readJson } from '../http/request-body.js';
import type { UpdateRequest } from '../../container/update-resources.js';

export function containerOpsRoutes(r: Router, engine: Engine): void {
  const cs = engine.containers;

  r.add('GET', '/containers/:id/stats', async (ctx) => {
    const stream = boolParam(ctx.query, 'stream', true);
    const oneShot = boolParam(ctx.query, 'one-shot');
    const res = ctx.res!;
    const abort = new AbortController();
    const samples = cs.stats(ctx.params.id!, { stream, oneShot, signal: abort.signal });
    res.on('close', () => abort.abort());
    res.writeHead(200, { ...SERVER_HEADERS, 'Content-Type': 'application/json' });
    if (stream) res.flushHeaders();
    for await (const s of samples) {
      if (abort.signal.aborted) break;
      res.write(JSON.stringify(s) + '\n');
    }
    res.end();
  });

  r.add('POST', '/containers/:id/update', async (ctx) => {
    const body = (await readJson<UpdateRequest>(ctx.req)) ?? {};
    sendJson(ctx.res!, 200, await cs.update(ctx.params.id!, body));
  });
}
