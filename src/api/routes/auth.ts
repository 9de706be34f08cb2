// POST /auth: `docker login` checks credentials against the registry.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { sendJson } from '../http/responses.js';
import { readJson } from '../http/request-body.js';
import { errorMessage, UnauthorizedError } from '../../errors.js';
import { login } from '../../registry/client/login.js';
import type { AuthConfig } from '../../registry/client/auth-config.js';

export function authRoutes(r: Router, engine: Engine): void {
  r.add('POST', '/auth', async (ctx) => {
    const body = await readJson<AuthConfig>(ctx.req, false);
    try {
      const result = await login({ ...body!, hosts: engine.registryHosts } as Parameters<typeof login>[0]);
      sendJson(ctx.res!, 200, { Status: result.status ?? 'Login Succeeded', IdentityToken: result.identitytoken ?? '' });
    } catch (err) {
      throw err instanceof UnauthorizedError ? err : new UnauthorizedError(errorMessage(err));
    }
  });
}
