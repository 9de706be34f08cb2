// GET /system/df: what images, containers, volumes and the build cache use on disk.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { sendJson } from '../http/responses.js';
import { diskUsage } from '../../system/disk-usage.js';

export function systemDfRoutes(r: Router, engine: Engine): void {
  r.add('GET', '/system/df', async (ctx) => {
    sendJson(ctx.res!, 200, await diskUsage(engine));
  });
}
