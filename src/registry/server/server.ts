// `berth registry serve`: the distribution API over Node's http/https server.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../../errors.js';
import { writeAccessLog } from './access-log.js';
import { AccessController, type Scope } from './auth/access.js';
import type { RegistryConfig } from './config.js';
import { type Ctx, type Registry, send, sendError, sendJson } from './context.js';
import { deleteBlob, getBlob } from './handlers/blobs.js';
import { listCatalog, listReferrers, listTags } from './handlers/listings.js';
import { searchRepositories } from './handlers/search.js';
import { deleteManifest, getManifest, putManifest } from './handlers/manifests.js';
import { cancelUpload, finishUpload, mountSource, patchUpload, startUpload, uploadStatus } from './handlers/uploads.js';
import { RegistryMetrics } from './metrics.js';
import { PullThroughCache } from './proxy.js';
import { RegistryError, toRegistryError, unsupported } from './registry-error.js';
import { type Route, matchRoute } from './routes.js';
import { RegistryStorage } from './storage.js';
import { UploadSessions } from './uploads.js';

const API_VERSION_HEADER = 'Docker-Distribution-API-Version';

type Handler = (ctx: Ctx<any>) => Promise<void> | void;

/** The handler for an endpoint and method; undefined when the method is not allowed there. */
function handlerFor(route: Route, method: string): Handler | undefined {
  const read = method === 'GET' || method === 'HEAD';
  switch (route.kind) {
    case 'base':
      return read ? (ctx) => sendJson(ctx, 200, {}) : undefined;
    case 'catalog':
      return method === 'GET' ? listCatalog : undefined;
    case 'search':
      return method === 'GET' ? searchRepositories : undefined;
    case 'tags':
      return method === 'GET' ? listTags : undefined;
    case 'referrers':
      return method === 'GET' ? listReferrers : undefined;
    case 'manifest':
      return read ? getManifest : method === 'PUT' ? putManifest : method === 'DELETE' ? deleteManifest : undefined;
    case 'blob':
      return read ? getBlob : method === 'DELETE' ? deleteBlob : undefined;
    case 'uploads':
      return method === 'POST' ? startUpload : undefined;
    case 'upload':
      return method === 'PATCH' ? patchUpload : method === 'PUT' ? finishUpload : method === 'GET' ? uploadStatus
        : method === 'DELETE' ? cancelUpload : undefined;
    default:
      return undefined;
  }
}

/** The scopes a request needs (docker's token scopes: pull, push, delete, registry:catalog:*). */
function scopesFor(ctx: Ctx): Scope[] {
  const r = ctx.route;
  const m = ctx.req.method;
  if (r.kind === 'base' || r.kind === 'metrics') return [];
  if (r.kind === 'catalog') return [{ type: 'registry', name: 'catalog', actions: ['*'] }];
  if (r.kind === 'search') return [{ type: 'registry', name: 'catalog', actions: ['search'] }];
  const name = r.name;
  if (m === 'DELETE' && (r.kind === 'manifest' || r.kind === 'blob')) return [{ type: 'repository', name, actions: ['delete'] }];
  if (m === 'GET' || m === 'HEAD') {
    if (r.kind === 'upload') return [{ type: 'repository', name, actions: ['pull', 'push'] }];
    return [{ type: 'repository', name, actions: ['pull'] }];
  }
  const scopes: Scope[] = [{ type: 'repository', name, actions: ['pull', 'push'] }];
  if (r.kind === 'uploads') {
    const from = mountSource(ctx);
    if (from !== undefined && from !== name) scopes.push({ type: 'repository', name: from, actions: ['pull'] });
  }
  return scopes;
}

/** Short endpoint names for metrics labels (no repository names: bounded cardinality). */
function endpointLabel(route: Route | undefined): string {
  return route ? route.kind : 'unknown';
}

export interface RunningRegistry {
  server: Server;
  registry: Registry;
  metrics: RegistryMetrics;
  /** `http://host:port` as bound (the port resolved when 0 was asked for). */
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where access log lines go (stdout by default). */
  log?: NodeJS.WritableStream;
}

export async function startRegistry(config: RegistryConfig, opts: StartOptions = {}): Promise<RunningRegistry> {
  const storage = await RegistryStorage.open(config.root);
  await storage.recover();
  if (!config.readOnly) storage.prepareUploads();
  const uploads = new UploadSessions(storage, config.limits.maxBlobBytes);
  const registry: Registry = { config, storage, uploads };
  if (config.proxies.length > 0) registry.proxy = new PullThroughCache(config.proxies, storage);
  const access = new AccessController(config.auth ?? {});
  const metrics = new RegistryMetrics();
  const logOut = opts.log ?? process.stdout;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const t0 = process.hrtime.bigint();
    const remote = req.socket.remoteAddress;
    metrics.begin();
    res.setHeader(API_VERSION_HEADER, 'registry/2.0');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const ctx: Ctx = {
      req, res, route: { kind: 'base' }, query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
      registry, bytesIn: 0, bytesOut: 0,
    };
    let route: Route | undefined;
    let user: string | undefined;
    let failure: string | undefined;
    try {
      route = matchRoute(path);
      if (!route) throw new RegistryError(404, 'UNSUPPORTED', 'no such endpoint', { path });
      ctx.route = route;
      const method = req.method ?? 'GET';
      if (route.kind === 'metrics') {
        if (method !== 'GET') throw unsupported();
        send(ctx, 200, { 'Content-Type': 'text/plain; version=0.0.4' }, metrics.render());
      } else {
        const handler = handlerFor(route, method);
        if (!handler) throw new RegistryError(405, 'UNSUPPORTED', `method ${method} not allowed here`);
        user = await access.authorize(req, scopesFor(ctx));
        await handler(ctx);
      }
    } catch (err) {
      const e = toRegistryError(err);
      if (e.status >= 500) failure = errorMessage(err);
      if (!res.headersSent) {
        sendError(ctx, e);
        // A large refused body nobody read: close rather than read it all to keep the connection.
        const declared = Number(req.headers['content-length'] ?? 0);
        if (declared > 65536 || req.headers['transfer-encoding'] !== undefined) {
          res.once('finish', () => {
            if (!req.complete) req.destroy();
          });
        }
      } else {
        res.destroy();
      }
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    metrics.record(req.method ?? '', endpointLabel(route), res.statusCode, seconds, ctx.bytesIn, ctx.bytesOut);
    if (config.accessLog) writeAccessLog({ req, remote, status: res.statusCode, bytesIn: ctx.bytesIn, bytesOut: ctx.bytesOut, seconds, user, error: failure }, logOut);
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  const server: Server = config.tls
    ? (createHttpsServer({ cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) }, listener) as unknown as Server)
    : createHttpServer(listener);
  // Large uploads take long; the defaults would cut them off.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;

  const { host, port } = splitAddr(config.addr);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  const url = `${config.tls ? 'https' : 'http'}://${shownHost}:${bound.port}`;

  // Abandoned uploads and crash leftovers are purged in the background.
  const sweepEvery = Math.max(1000, Math.min(config.uploadMaxIdleMs, 10 * 60_000));
  const sweep = setInterval(() => {
    void uploads.purgeIdle(config.uploadMaxIdleMs).catch(() => undefined);
    void storage.content.cleanStaleIngests(config.uploadMaxIdleMs).catch(() => undefined);
  }, sweepEvery);
  sweep.unref();

  return {
    server, registry, metrics, url,
    async close() {
      clearInterval(sweep);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await uploads.suspendAll();
      storage.close();
    },
  };
}

/** `host:port`, `[v6]:port` or `:port` (all interfaces). */
export function splitAddr(addr: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new RegistryError(400, 'UNKNOWN', `invalid listen address ${JSON.stringify(addr)}`);
  const host = m[1] ?? m[2];
  return { host: host === '' ? undefined : host, port: Number(m[3]) };
}
