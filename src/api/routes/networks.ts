// /networks routes: translation to the network service.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { sendEmpty, sendJson, sendNoContent } from '../http/responses.js';
import { boolParam, readJson } from '../http/request-body.js';
import { FilterArgs } from '../../filters/mod.js';
import type { NetworkCreateRequest, EndpointSettings } from '../../network/api-types.js';

export function networkRoutes(r: Router, engine: Engine): void {
  const ns = engine.networks;
  r.add('GET', '/networks', (ctx) => sendJson(ctx.res!, 200, ns.list(FilterArgs.parse(ctx.query.get('filters')))));
  r.add('POST', '/networks/create', async (ctx) => {
    const body = await readJson<NetworkCreateRequest>(ctx.req, false);
    sendJson(ctx.res!, 201, await ns.create(body!));
  });
  r.add('POST', '/networks/prune', async (ctx) => sendJson(ctx.res!, 200, await ns.prune(FilterArgs.parse(ctx.query.get('filters')))));
  r.add('GET', '/networks/:id', (ctx) => sendJson(ctx.res!, 200, ns.inspect(ctx.params.id!, { verbose: boolParam(ctx.query, 'verbose') })));
  r.add('DELETE', '/networks/:id', async (ctx) => {
    await ns.remove(ctx.params.id!);
    sendNoContent(ctx.res!);
  });
  r.add('POST', '/networks/:id/connect', async (ctx) => {
    const body = await readJson<{ Container: string; EndpointConfig?: EndpointSettings | null }>(ctx.req, false);
    const c = engine.containers.resolve(body!.Container);
    // A created or stopped container: docker records the network for its next start.
    if (!engine.containers.isRunning(c)) engine.containers.setStoredEndpoint(c.id, ns.inspect(ctx.params.id!).Name, (body!.EndpointConfig ?? {}) as Record<string, unknown>);
    else await ns.connect(ctx.params.id!, c.id, body!.EndpointConfig ?? null);
    sendEmpty(ctx.res!);
  });
  r.add('POST', '/networks/:id/disconnect', async (ctx) => {
    const body = await readJson<{ Container: string; Force?: boolean }>(ctx.req, false);
    const c = engine.containers.resolve(body!.Container);
    if (!engine.containers.isRunning(c)) engine.containers.setStoredEndpoint(c.id, ns.inspect(ctx.params.id!).Name, null);
    else await ns.disconnect(ctx.params.id!, c.id, Boolean(body!.Force));
    sendEmpty(ctx.res!);
  });
}
