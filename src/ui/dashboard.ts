// The dashboard: its own listener (`berthd --ui ADDR`, or 127.0.0.1 on a free port the first time
// `berth dashboard` asks for a login URL), its login tokens and sessions. A non-loopback address
// needs TLS (berthd's --tlscert/--tlskey); the daemon composes it with the API router.
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from '../errors.js';
import type { Router } from '../api/http/router.js';
import type { ComposeProjectFiles } from './compose-runner.js';
import { handleRequest, handleUpgrade, type DashboardParts } from './dashboard-server.js';
import { LoginLimiter } from './login-limiter.js';
import { LoginTokens } from './login-tokens.js';
import { Sessions } from './sessions.js';
import { StaticFiles } from './static-files.js';
import { WEB_BUNDLE_DIR } from './web-bundle-dir.js';

export interface DashboardOptions {
  router: Router;
  tls?: { cert: string; key: string };
  debug?: boolean;
  /** The built front end (tests may point elsewhere). */
  webDir?: string;
  /** Compose up/down from the page: the daemon's own socket, a project's files from its labels. */
  compose?: { host: string; files(project: string): ComposeProjectFiles | undefined };
  /** The registry browser's registry (`--ui-registry`). */
  registry?: string;
}

/** `host:port`, `tcp://host:port`, `:port` or a bare port; the host defaults to loopback. */
export function parseUiAddress(addr: string): { host: string; port: number } {
  const s = addr.replace(/^(tcp|https?):\/\//, '');
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s) ?? (/^\d+$/.test(s) ? [s, undefined, '', s] : null);
  if (!m) throw new InvalidArgumentError(`invalid --ui address ${addr}: want HOST:PORT`);
  const port = Number(m[3]);
  if (!(port >= 0 && port < 65536)) throw new InvalidArgumentError(`invalid --ui port in ${addr}`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export class Dashboard {
  private readonly tokens = new LoginTokens();
  private readonly parts: DashboardParts;
  private server?: Server;
  private url?: string;

  constructor(private readonly o: DashboardOptions) {
    this.parts = {
      router: o.router,
      tokens: this.tokens,
      sessions: new Sessions(),
      limiter: new LoginLimiter(),
      files: new StaticFiles(o.webDir ?? WEB_BUNDLE_DIR),
      secure: Boolean(o.tls),
      debug: Boolean(o.debug),
      ...(o.compose ? { compose: o.compose } : {}),
      ...(o.registry ? { registry: o.registry } : {}),
    };
  }

  /** Where the dashboard listens (its base URL), once started. */
  get address(): string | undefined {
    return this.url;
  }

  async start(addr: string): Promise<string> {
    if (this.url) return this.url;
    const { host, port } = parseUiAddress(addr);
    if (!isLoopback(host) && !this.o.tls) throw new InvalidArgumentError(`--ui ${addr} is not a loopback address: it needs TLS (--tls with --tlscert and --tlskey)`);
    const p = this.parts;
    const onRequest = (req: Parameters<typeof handleRequest>[1], res: Parameters<typeof handleRequest>[2]): void => {
      handleRequest(p, req, res).catch(() => res.destroy());
    };
    const server = this.o.tls ? createTlsServer({ cert: readFileSync(this.o.tls.cert), key: readFileSync(this.o.tls.key) }, onRequest) : createServer(onRequest);
    server.keepAliveTimeout = 5000;
    server.requestTimeout = 0;
    server.on('upgrade', (req, socket, head) => void handleUpgrade(p, req, socket, head).catch(() => socket.destroy()));
    server.on('clientError', (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const bound = (server.address() as AddressInfo).port;
    const shown = host === '0.0.0.0' || host === '::' ? hostname() : host.includes(':') ? `[${host}]` : host;
    this.url = `${this.o.tls ? 'https' : 'http'}://${shown}:${bound}`;
    return this.url;
  }

  /** A login URL with a fresh one-time token; starts on 127.0.0.1 (a free port) if not yet listening. */
  async loginUrl(): Promise<{ url: string; expiresAt: string }> {
    const base = this.url ?? (await this.start('127.0.0.1:0'));
    const { token, expiresAt } = this.tokens.issue();
    return { url: `${base}/login?token=${token}`, expiresAt: new Date(expiresAt).toISOString() };
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    this.url = undefined;
    s.closeAllConnections?.();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
