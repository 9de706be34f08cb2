// The dashboard listener's requests: `/login?token=` turns a one-time token into a session
// cookie; everything else needs that session (401 without it): `/ui/session` hands the page its
// CSRF token, `/api/*` goes to the same router the API socket serves (in-process, so the page sees
// exactly what clients see), `/ui/compose/P/up|down` runs compose for a project, `/ui/registry/…`
// reaches the configured registry, the rest is the built front end. Every state-changing request
// needs the CSRF token and, when the browser names one, our own Origin.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { dispatch } from '../api/http/dispatch.js';
import type { Router } from '../api/http/router.js';
import { clearedSessionCookie, readCookie, sessionCookie, SESSION_COOKIE } from './cookies.js';
import { equalSecrets } from './equal-secrets.js';
import { runCompose, type ComposeProjectFiles } from './compose-runner.js';
import type { LoginLimiter } from './login-limiter.js';
import type { LoginTokens } from './login-tokens.js';
import { proxyRegistry, registryPath } from './registry-proxy.js';
import { SECURITY_HEADERS } from './security-headers.js';
import type { Session, Sessions } from './sessions.js';
import type { StaticFiles } from './static-files.js';

export const CSRF_HEADER = 'x-berth-csrf';

export interface DashboardParts {
  router: Router;
  tokens: LoginTokens;
  sessions: Sessions;
  limiter: LoginLimiter;
  files: StaticFiles;
  secure: boolean;
  debug: boolean;
  /** For compose up/down: the daemon's own socket and a project's files from its labels. */
  compose?: { host: string; files(project: string): ComposeProjectFiles | undefined };
  /** The registry browser's registry (base URL), when configured. */
  registry?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

function refuse(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  const body = JSON.stringify({ message }) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...extra }).end(body);
}

function refuseRaw(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ message }) + '\n';
  socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** A browser's Origin header, when present, must be this listener's own (scheme and host). */
function sameOrigin(req: IncomingMessage, secure: boolean): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return origin === `${secure ? 'https' : 'http'}://${req.headers.host ?? ''}`;
}

/** Why a request may not go on (status and message), or its session. */
function check(p: DashboardParts, req: IncomingMessage): Session | { status: number; message: string } {
  const session = p.sessions.get(readCookie(req.headers.cookie, SESSION_COOKIE));
  if (!session) return { status: 401, message: 'not logged in: run `berth dashboard` for a login URL' };
  if (!sameOrigin(req, p.secure)) return { status: 403, message: 'cross-origin request refused' };
  if (!SAFE_METHODS.has(req.method ?? 'GET')) {
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !equalSecrets(sent, session.csrf)) return { status: 403, message: 'missing or wrong CSRF token' };
  }
  return session;
}

/** The API path behind `/api`, or undefined when it may not be reached from the page. */
function apiPath(url: URL): string | undefined {
  const rest = url.pathname.slice('/api'.length);
  // berth's own endpoints (login tokens) stay on the API socket.
  if (!rest.startsWith('/') || /^(\/v[\d.]+)?\/berth(\/|$)/.test(rest)) return undefined;
  return rest + url.search;
}

async function login(p: DashboardParts, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const who = req.socket.remoteAddress ?? '';
  const wait = p.limiter.retryAfter(who);
  if (wait > 0) return refuse(res, 429, 'too many failed logins, try again later', { 'Retry-After': String(Math.ceil(wait / 1000)) });
  const token = url.searchParams.get('token') ?? '';
  if (!token || !p.tokens.spend(token)) {
    p.limiter.fail(who);
    return refuse(res, 401, 'login token unknown, used or expired: run `berth dashboard` for a new one');
  }
  const s = p.sessions.create();
  res.writeHead(303, { Location: '/', 'Set-Cookie': sessionCookie(s.id, s.expiresAt - Date.now(), p.secure), 'Content-Length': '0' }).end();
}

export async function handleRequest(p: DashboardParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
  const url = new URL(req.url ?? '/', 'http://dashboard');
  if (url.pathname === '/login' && req.method === 'GET') return login(p, req, res, url);
  const s = check(p, req);
  if (!('id' in s)) return refuse(res, s.status, s.message);
  if (url.pathname === '/ui/session' && req.method === 'GET') {
    const body = JSON.stringify({ csrf: s.csrf, expiresAt: new Date(s.expiresAt).toISOString() });
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    return;
  }
  if (url.pathname === '/ui/logout' && req.method === 'POST') {
    p.sessions.end(s.id);
    res.writeHead(204, { 'Set-Cookie': clearedSessionCookie(p.secure) }).end();
    return;
  }
  const composeVerb = /^\/ui\/compose\/([a-z0-9][a-z0-9_-]*)\/(up|down)$/.exec(url.pathname);
  if (composeVerb && req.method === 'POST') {
    if (!p.compose) return refuse(res, 501, 'compose actions need berthd listening on a unix socket');
    const [, project, verb] = composeVerb;
    const files = p.compose.files(project!);
    if (!files) return refuse(res, 404, `no compose project ${project} with its files recorded`);
    const result = await runCompose(p.compose.host, project!, files, verb as 'up' | 'down');
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(result));
    return;
  }
  if (url.pathname === '/ui/registry' && req.method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ url: p.registry ?? null }));
    return;
  }
  if (url.pathname.startsWith('/ui/registry/')) {
    const path = registryPath(url);
    if (!path || !['GET', 'HEAD', 'DELETE'].includes(req.method ?? '')) return refuse(res, 404, 'page not found');
    if (!p.registry) return refuse(res, 404, 'no registry configured: start berthd with --ui-registry URL');
    return proxyRegistry(p.registry, path, req, res);
  }
  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
    const path = apiPath(url);
    if (!path) return refuse(res, 404, 'page not found');
    req.url = path;
    return dispatch(p.router, req, res, undefined, p.debug);
  }
  if (!SAFE_METHODS.has(req.method ?? '')) return refuse(res, 405, 'method not allowed');
  return p.files.serve(req, res, url.pathname);
}

/** Upgrades (the attach and exec websockets) pass the same checks, then go to the router. */
export async function handleUpgrade(p: DashboardParts, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://dashboard');
  const s = check(p, req);
  if (!('id' in s)) return refuseRaw(socket, s.status, s.message);
  // Browsers always send Origin on a websocket handshake: a missing one is not a page of ours.
  if (req.headers.origin === undefined) return refuseRaw(socket, 403, 'cross-origin request refused');
  const path = url.pathname.startsWith('/api/') ? apiPath(url) : undefined;
  if (!path) return refuseRaw(socket, 404, 'page not found');
  req.url = path;
  return dispatch(p.router, req, undefined, { socket, head }, p.debug);
}
