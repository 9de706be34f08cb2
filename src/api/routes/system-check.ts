// POST /berth/v1/system/check[?repair=1]: berth's own endpoint (docker has none): orphans a crash
// left, removed with repair.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { boolParam } from '../http/request-body.js';
import { sendJson } from '../http/responses.js';
import { systemCheck } from '../../system/system-check.js';

export function systemCheckRoutes(r: Router, engine: Engine): void {
  r.add('POST', '/berth/v1/system/check', async (ctx) => {
    sendJson(ctx.res!, 200, await systemCheck(engine, { repair: boolParam(ctx.query, 'repair') }));
  });
}
