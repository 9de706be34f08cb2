// berth's own `POST /berth/ui/token`: a one-time dashboard login URL for `berth dashboard`
// (the dashboard starts on 127.0.0.1 if berthd was not started with --ui). Only over the unix
// socket, whose file mode already limits it to root and the socket's group, like docker's own.
import type { Router } from '../http/router.js';
import { sendJson } from '../http/responses.js';
import { ForbiddenError } from '../../errors.js';

/** What the route needs of the dashboard (the daemon hands it in). */
export interface DashboardLogin {
  loginUrl(): Promise<{ url: string; expiresAt: string }>;
}

export function dashboardLoginRoutes(r: Router, dashboard: DashboardLogin): void {
  r.add('POST', '/berth/ui/token', async (ctx) => {
    // A unix socket peer has no address; a TCP one (even with TLS) gets no login URL.
    if (ctx.req.socket.remoteAddress !== undefined) throw new ForbiddenError('dashboard login URLs are handed out on the unix socket only');
    const { url, expiresAt } = await dashboard.loginUrl();
    sendJson(ctx.res!, 201, { URL: url, ExpiresAt: expiresAt });
  });
}
