// /distribution/{name}/json: a reference's descriptor and platforms, looked up in its registry.
import type { Engine } from '../../daemon/engine.js';
import { decodeRegistryAuth } from '../../registry/client/auth-config.js';
import { inspectDistribution } from '../../registry/client/distribution-inspect.js';
import type { Router } from '../http/router.js';
import { sendJson } from '../http/responses.js';

export function distributionRoutes(r: Router, engine: Engine): void {
  r.add('GET', '/distribution/:name*/json', async (ctx) => {
    const h = ctx.req.headers['x-registry-auth'];
    const auth = decodeRegistryAuth(Array.isArray(h) ? h[0] : h);
    sendJson(ctx.res!, 200, await inspectDistribution({ ref: ctx.params.name!, hosts: engine.registryHosts, ...(auth ? { auth } : {}) }));
  });
}
