// berthd's HTTP server: composes the routes and listens (unix socket, tcp, tls); a request's way
// through them is http/dispatch.ts. Only the daemon imports this.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { readFileSync, unlinkSync, chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Engine } from '../daemon/engine.js';
import { Router } from './http/router.js';
import { dispatch } from './http/dispatch.js';
import { systemRoutes } from './routes/system.js';
import { containerRoutes } from './routes/containers.js';
import { containerOpsRoutes } from './routes/container-ops.js';
import { imageRoutes } from './routes/images.js';
import { execRoutes } from './routes/exec.js';
import { authRoutes } from './routes/auth.js';
import { buildRoutes } from './routes/build.js';
import { volumeRoutes } from './routes/volumes.js';
import { containerFileRoutes } from './routes/container-files.js';
import { networkRoutes } from './routes/networks.js';
import { systemDfRoutes } from './routes/system-df.js';
import { systemCheckRoutes } from './routes/system-check.js';
import { swarmRoutes } from './routes/swarm.js';
import { distributionRoutes } from './routes/distribution.js';
import { websocketRoutes } from './routes/websockets.js';
import { podRoutes } from './routes/pods.js';

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
  systemCheckRoutes(router, engine);
  swarmRoutes(router);
  distributionRoutes(router, engine);
  websocketRoutes(router, engine);
  podRoutes(router, engine);
  return router;
}

export interface Listener {
  server: Server;
  address: string;
  close(): Promise<void>;
}

/** Listens on `unix:///path`, `tcp://host:port` (TLS when configured, mutual when tlsverify). */
export function listen(engine: Engine, router: Router, address: string): Promise<Listener> {
  const debug = engine.config.debug;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => void dispatch(router, req, res, undefined, debug);
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
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void dispatch(router, req, undefined, { socket, head }, debug));
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
