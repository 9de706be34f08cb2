// /volumes routes: translation between HTTP and the volume service.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { sendJson, sendNoContent } from '../http/responses.js';
import { boolParam, readJson } from '../http/request-body.js';
import { FilterArgs } from '../../filters/mod.js';
import { compareVersions } from '../../engine-api-version.js';
import type { CreateVolumeRequest } from '../../volume/volume-service.js';

export function volumeRoutes(r: Router, engine: Engine): void {
  const vs = engine.volumes;

  r.add('GET', '/volumes', (ctx) => {
    const list = vs.list(FilterArgs.parse(ctx.query.get('filters')));
    sendJson(ctx.res!, 200, { Volumes: list.map((v) => vs.view(v)), Warnings: [] });
  });

  r.add('POST', '/volumes/create', async (ctx) => {
    const body = (await readJson<CreateVolumeRequest>(ctx.req)) ?? {};
    const v = await vs.create(body);
    sendJson(ctx.res!, 201, vs.view(v));
  });

  r.add('POST', '/volumes/prune', async (ctx) => {
    const filters = FilterArgs.parse(ctx.query.get('filters'));
    // Before API 1.42 prune took named volumes too: older clients keep that.
    sendJson(ctx.res!, 200, await vs.prune(compareVersions(ctx.version, '1.42') < 0 ? filters.with('all', 'true') : filters));
  });

  r.add('GET', '/volumes/:name', (ctx) => {
    sendJson(ctx.res!, 200, vs.view(vs.get(ctx.params.name!)));
  });

  r.add('DELETE', '/volumes/:name', async (ctx) => {
    await vs.remove(ctx.params.name!, boolParam(ctx.query, 'force'));
    sendNoContent(ctx.res!);
  });
}
