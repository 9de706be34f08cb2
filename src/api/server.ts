// berthd's HTTP server: version prefixes, routing, docker's JSON errors and headers, and hijacked
// (upgraded) connections for attach and exec.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { readFileSync, unlinkSync, chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Engine } from '../daemon/engine.js';
import { errorMessage, NotModifiedError } from '../errors.js';
import { MAX_API_VERSION } from '../engine-api-version.js';
import { splitVersion } from './api-version.js';
import { statusOf } from './error-status.js';
import { Router, type RequestContext } from './router.js';
import { systemRoutes } from './routes/system.js';
import { containerRoutes } from './routes/containers.js';
import { containerOpsRoutes } from './routes/container-ops.js';
import { imageRoutes } from './routes/images.js';
import { execRoutes } from './routes/exec.js';
import { authRoutes } from './routes/registry.js';
import { buildRoutes } from './routes/build.js';
import { volumeRoutes } from './routes/volumes.js';
import { containerFileRoutes } from './routes/container-files.js';
import { networkRoutes } from './routes/networks.js';
import { systemDfRoutes } from './routes/system-df.js';

const TRACE = Boolean(process.env.BERTH_TRACE);

export const SERVER_HEADERS: Record<string, string> = {
  'Api-Version': MAX_API_VERSION,
  'Docker-Experimental': 'false',
  Ostype: 'linux',
  Server: `Docker/27.5.0 (linux) berth`,
};

export function buildRouter(engine: Engine): Router {
  const router = new Router();
  systemRoutes(router, engine);
  containerRoutes(router, engine);
  containerOpsRoutes(router, engine);
  imageRoutes(router, engine);
  execRoutes(router, engine);
  authRoutes(router, engine);
  buildRoutes(router, engine);
  volumeRoutes(router, engine);
  containerFileRoutes(router, engine);
  networkRoutes(router, engine);
  systemDfRoutes(router, engine);
  return router;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, { ...SERVER_HEADERS, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown, debug: boolean): void {
  const status = statusOf(err);
  if (status === 500 && debug) console.error(err);
  if (err instanceof NotModifiedError || status === 304) {
    res.writeHead(304, SERVER_HEADERS);
    res.end();
    return;
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { message: errorMessage(err) });
}

function rawError(socket: Duplex, err: unknown): void {
  const status = statusOf(err);
  const body = JSON.stringify({ message: errorMessage(err) }) + '\n';
  socket.end(`HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\nApi-Version: ${MAX_API_VERSION}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

export async function handle(router: Router, req: IncomingMessage, res: ServerResponse | undefined, upgrade?: { socket: Duplex; head: Buffer }, debug = false): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://berth');
  try {
    const { version, path } = splitVersion(url.pathname);
    const m = router.match(req.method ?? 'GET', path);
    if (!m) {
      const { NotFoundError } = await import('../errors.js');
      throw new NotFoundError(`page not found`);
    }
    if ('allowed' in m) {
      if (res) {
        res.writeHead(405, { ...SERVER_HEADERS, 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'method not allowed' }) + '\n');
      } else rawError(upgrade!.socket, new Error('method not allowed'));
      return;
    }
    const ctx: RequestContext = { req, params: m.params, query: url.searchParams, version, ...(res ? { res } : {}), ...(upgrade ? { upgrade } : {}) };
    const t0 = TRACE ? performance.now() : 0;
    if (TRACE) console.error(`trace ${Date.now() % 100000} > ${req.method} ${url.pathname}`);
    await m.handler(ctx);
    if (TRACE) console.error(`trace ${Date.now() % 100000} < ${req.method} ${url.pathname} ${(performance.now() - t0).toFixed(1)}ms`);
  } catch (err) {
    if (res) sendError(res, err, debug);
    else if (upgrade) rawError(upgrade.socket, err);
  }
}

export interface Listener {
  server: Server;
  address: string;
  close(): Promise<void>;
}

/** Listens on `unix:///path`, `tcp://host:port` (TLS when configured, mutual when tlsverify). */
export function listen(engine: Engine, router: Router, address: string): Promise<Listener> {
  const debug = engine.config.debug;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => void handle(router, req, res, undefined, debug);
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  const tls = engine.config.tls;
  const server: Server =
    url.protocol === 'tcp:' && tls
      ? createTlsServer(
          {
            cert: readFileSync(tls.cert),
            key: readFileSync(tls.key),
            ...(tls.ca ? { ca: readFileSync(tls.ca) } : {}),
            requestCert: tls.verify,
            rejectUnauthorized: tls.verify,
          },
          onRequest,
        )
      : createServer(onRequest);
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void handle(router, req, undefined, { socket, head }, debug));
  server.on('clientError', (_err, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve({ server, address, close: () => new Promise<void>((r) => server.close(() => r())) });
    };
    if (url.protocol === 'unix:') {
      const path = url.pathname;
      mkdirSync(dirname(path), { recursive: true });
      try {
        unlinkSync(path);
      } catch {
        // nothing to replace
      }
      server.listen(path, () => {
        chmodSync(path, 0o660);
        done();
      });
    } else if (url.protocol === 'tcp:') {
      server.listen(Number(url.port || (tls ? 2376 : 2375)), url.hostname || '127.0.0.1', done);
    } else reject(new Error(`unsupported listen address ${address}`));
  });
}
