// HTTP to the daemon over a unix socket or TCP (+TLS), with docker's version negotiation:
// GET /_ping, read `API-Version`, then prefix every path with `/v<version>`. Buffered calls on a
// unix socket go through http1-exchange.ts; node:http is loaded only for the rest (start-up time).
// A connection that fails becomes docker's error (connection-failure.ts), never a stream's own.
import type { IncomingMessage, ClientRequest, Agent } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from './api-error.js';
import { answerFailure, isBrokenConnection, requestFailure } from './connection-failure.js';
import { exchange, type BufferedResponse } from './http1-exchange.js';
import type { DaemonHost } from './host.js';
import { MAX_API_VERSION, MIN_API_VERSION, compareVersions } from '../engine-api-version.js';

export const CLIENT_API_VERSION = MAX_API_VERSION;

export interface TlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  verify: boolean;
}

export type QueryValue = string | number | boolean | undefined | null | string[];

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** An object is sent as JSON; a Buffer or stream as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Don't prefix with the API version (for /_ping). */
  unversioned?: boolean;
  signal?: AbortSignal;
}

export interface Hijacked {
  socket: Duplex;
  /** Bytes that arrived with the upgrade response, before the socket took over. */
  head: Buffer;
  /** False when the daemon answered 200 instead of 101: output only, no stdin. */
  canWrite: boolean;
}


export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    const values = Array.isArray(v) ? v : [v];
    for (const one of values) {
      const s = typeof one === 'boolean' ? (one ? '1' : '0') : String(one);
      parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(s)}`);
    }
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export async function readBody(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of res) chunks.push(c as Buffer);
  } catch (err) {
    throw answerFailure(err);
  }
  return Buffer.concat(chunks);
}

/** Methods Go's client sends again when a reused keep-alive connection fails before any answer. */
const REPLAYABLE = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
/** Attempts at one request over reused connections that turn out closed (the pool may hold several). */
const MAX_REPLAYS = 3;

/**
 * A reader that comes later still sees the error (a destroyed socket keeps it); until one comes,
 * an 'error' with no listener would end the CLI with Node's stack trace. (A response needs no
 * such guard: an IncomingMessage emits 'error' only when something listens.)
 */
function holdErrors(socket: Duplex): void {
  socket.on('error', () => undefined);
}

async function errorFrom(res: IncomingMessage): Promise<ApiError> {
  return apiErrorOf(res.statusCode ?? 500, res.statusMessage ?? '', await readBody(res));
}

function apiErrorOf(statusCode: number, statusMessage: string, body: Buffer): ApiError {
  const raw = body.toString('utf8');
  let message = raw.trim();
  try {
    const parsed = JSON.parse(raw) as { message?: string };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON: keep the text
  }
  if (message === '') message = `${statusCode} ${statusMessage}`.trim();
  return new ApiError(statusCode, message);
}

export class ApiClient {
  private version: string | undefined;
  private negotiation: Promise<string> | undefined;
  private agent: Agent | undefined;
  private httpModule: typeof import('node:http') | undefined;
  private httpsModule: typeof import('node:https') | undefined;

  constructor(
    readonly host: DaemonHost,
    private readonly tls?: TlsOptions,
    /** Pin a version (DOCKER_API_VERSION) instead of negotiating. */
    pinnedVersion?: string,
  ) {
    this.version = pinnedVersion;
  }

  /** The API version in use (negotiated on first call). */
  async apiVersion(): Promise<string> {
    if (this.version) return this.version;
    this.negotiation ??= this.ping().then((p) => {
      let v = CLIENT_API_VERSION;
      if (p.apiVersion && compareVersions(p.apiVersion, v) < 0) v = p.apiVersion;
      if (compareVersions(v, MIN_API_VERSION) < 0) v = MIN_API_VERSION;
      this.version = v;
      return v;
    });
    // A failed ping (daemon not up yet) must not stick: the next call tries again.
    this.negotiation.catch(() => {
      this.negotiation = undefined;
    });
    return this.negotiation;
  }

  /** GET /_ping: the daemon's API version and OS. */
  async ping(signal?: AbortSignal): Promise<{ apiVersion?: string; osType?: string; builderVersion?: string }> {
    const { headers: h } = await this.buffered('GET', '/_ping', { unversioned: true, ...(signal ? { signal } : {}) });
    return {
      ...(h['api-version'] ? { apiVersion: h['api-version'] } : {}),
      ...(h['ostype'] ? { osType: h['ostype'] } : {}),
      ...(h['builder-version'] ? { builderVersion: h['builder-version'] } : {}),
    };
  }

  private async fullPath(path: string, opts: RequestOptions): Promise<string> {
    const prefix = opts.unversioned ? '' : `/v${await this.apiVersion()}`;
    return prefix + path + buildQuery(opts.query);
  }

  /** `fresh`: a connection of its own, never one from the keep-alive pool (upgrades, as docker dials them). */
  private createRequest(method: string, path: string, headers: Record<string, string>, signal?: AbortSignal, fresh = false): ClientRequest {
    const http = this.httpModule!;
    const base = { method, path, headers, agent: fresh ? false : this.agent, ...(signal ? { signal } : {}) };
    if (this.host.kind === 'unix') {
      // servername '': no TLS here, and the agent would otherwise derive one from the Host header
      // with net.isIP, whose first call compiles a large regular expression (~3 ms of a CLI run).
      const unix = { ...base, socketPath: this.host.path, setHost: false, headers: { Host: 'api.berth', ...headers }, servername: '' };
      return http.request(unix);
    }
    if (this.tls) {
      const https = this.httpsModule!;
      return https.request({
        ...base, agent: undefined, host: this.host.host, port: this.host.port,
        ...(this.tls.ca ? { ca: this.tls.ca } : {}), ...(this.tls.cert ? { cert: this.tls.cert } : {}), ...(this.tls.key ? { key: this.tls.key } : {}),
        rejectUnauthorized: this.tls.verify,
      });
    }
    return http.request({ ...base, host: this.host.host, port: this.host.port });
  }

  private async prepare(): Promise<void> {
    if (!this.httpModule) {
      this.httpModule = await import('node:http');
      this.agent = new this.httpModule.Agent({ keepAlive: true });
    }
    if (this.tls && !this.httpsModule) this.httpsModule = await import('node:https');
  }

  private bodyHeaders(opts: RequestOptions): Record<string, string> {
    const headers: Record<string, string> = { 'User-Agent': 'berth-cli', ...opts.headers };
    const b = opts.body;
    if (b === undefined) {
      headers['Content-Length'] = '0';
    } else if (Buffer.isBuffer(b) || b instanceof Uint8Array) {
      headers['Content-Length'] = String(b.byteLength);
    } else if (!isReadable(b)) {
      headers['Content-Type'] ??= 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(JSON.stringify(b)));
    }
    return headers;
  }

  /** Sends a request; resolves with the response when its status is below 400, else throws ApiError. */
  async send(method: string, path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    await this.prepare();
    const full = await this.fullPath(path, opts);
    const headers = this.bodyHeaders(opts);
    const replayable = REPLAYABLE.has(method) && !isReadable(opts.body);
    const attempt = (n: number): Promise<IncomingMessage> =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const req = this.createRequest(method, full, headers, opts.signal);
        req.on('error', (err) => {
          // A kept-alive connection the daemon closed meanwhile (a restart): try a fresh one.
          if (replayable && req.reusedSocket && n < MAX_REPLAYS && isBrokenConnection(err)) resolve(attempt(n + 1));
          else reject(this.connectionError(method, full, err));
        });
        req.on('response', (res) => {
          if ((res.statusCode ?? 500) >= 400) errorFrom(res).then(reject, reject);
          else resolve(res);
        });
        writeBody(req, opts.body);
      });
    return attempt(1);
  }

  /**
   * Like send, but also tells when the request has been handed to the OS: run fires its
   * /wait request and must know it reached the daemon before it posts /start.
   */
  async sendFlushed(method: string, path: string, opts: RequestOptions = {}): Promise<{ response: Promise<IncomingMessage> }> {
    await this.prepare();
    const full = await this.fullPath(path, opts);
    const headers = this.bodyHeaders(opts);
    return new Promise((resolveSent, rejectSent) => {
      const response = new Promise<IncomingMessage>((resolve, reject) => {
        const req = this.createRequest(method, full, headers, opts.signal);
        req.on('error', (err) => {
          const e = this.connectionError(method, full, err);
          reject(e);
          rejectSent(e);
        });
        req.on('finish', () => resolveSent({ response }));
        req.on('response', (res) => {
          if ((res.statusCode ?? 500) >= 400) errorFrom(res).then(reject, reject);
          else resolve(res);
        });
        writeBody(req, opts.body);
      });
      response.catch(() => undefined);
    });
  }

  /** A request whose JSON answer is returned (undefined for an empty body). */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const raw = (await this.buffered(method, path, opts)).body;
    if (raw.length === 0) return undefined as T;
    return JSON.parse(raw.toString('utf8')) as T;
  }

  /** A request whose answer is drained and ignored. */
  async call(method: string, path: string, opts: RequestOptions = {}): Promise<void> {
    await this.buffered(method, path, opts);
  }

  /** A request answered as a whole; throws ApiError for a status of 400 or more. */
  private async buffered(method: string, path: string, opts: RequestOptions): Promise<BufferedResponse> {
    if (this.host.kind !== 'unix' || isReadable(opts.body)) {
      const res = await this.send(method, path, opts);
      const one = (x: string | string[] | undefined): string | undefined => (Array.isArray(x) ? x.join(', ') : x);
      const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, one(v) ?? '']));
      return { statusCode: res.statusCode ?? 200, statusMessage: res.statusMessage ?? '', headers, body: await readBody(res) };
    }
    const full = await this.fullPath(path, opts);
    const b = opts.body;
    const body = b === undefined ? undefined : Buffer.isBuffer(b) ? b : b instanceof Uint8Array ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : JSON.stringify(b);
    let res: BufferedResponse;
    try {
      res = await exchange({ socketPath: this.host.path, method, path: full, headers: this.bodyHeaders(opts), ...(body !== undefined ? { body } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    } catch (err) {
      throw this.connectionError(method, full, err);
    }
    if (res.statusCode >= 400) throw apiErrorOf(res.statusCode, res.statusMessage, res.body);
    return res;
  }

  /** POST with `Upgrade: tcp`: the daemon answers 101 and the connection becomes a raw stream. */
  async hijack(method: string, path: string, opts: RequestOptions = {}): Promise<Hijacked> {
    await this.prepare();
    const full = await this.fullPath(path, opts);
    const headers = { ...this.bodyHeaders(opts), Connection: 'Upgrade', Upgrade: 'tcp' };
    return new Promise<Hijacked>((resolve, reject) => {
      const req = this.createRequest(method, full, headers, opts.signal, true);
      req.on('error', (err) => reject(this.connectionError(method, full, err)));
      req.on('upgrade', (_res, socket, head) => {
        // Its reader starts later (run registers its wait first).
        holdErrors(socket);
        resolve({ socket, head, canWrite: true });
      });
      req.on('response', (res) => {
        if ((res.statusCode ?? 500) >= 400) errorFrom(res).then(reject, reject);
        else resolve({ socket: res as unknown as Duplex, head: Buffer.alloc(0), canWrite: false });
      });
      writeBody(req, opts.body);
    });
  }

  private connectionError(method: string, fullPath: string, err: unknown): Error {
    return requestFailure(this.host, this.tls !== undefined, method, fullPath, err);
  }

  /** Lets the process exit while idle keep-alive sockets remain. */
  close(): void {
    this.agent?.destroy();
  }
}

function isReadable(b: unknown): b is NodeJS.ReadableStream {
  return typeof b === 'object' && b !== null && typeof (b as NodeJS.ReadableStream).pipe === 'function';
}

function writeBody(req: ClientRequest, body: unknown): void {
  if (body === undefined) { req.end(); return; }
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) { req.end(body); return; }
  if (isReadable(body)) { body.pipe(req); return; }
  req.end(JSON.stringify(body));
}
