// HTTP to one repository of a registry: picks the endpoint (mirrors, then the origin; https, then
// http where allowed), authenticates (anonymous, basic, bearer tokens per scope with the shared
// cache) and words failures as docker does. Pull, push, login and manifest inspect all go through it.
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { BerthError } from '../../errors.js';
import { type AuthConfig, hasCredentials } from './auth-config.js';
import { errorFromResponse, goMethod, isRegistryError, registryError, transportError } from './registry-error.js';
import type { RegistryEndpoint, RegistryHosts } from './registry-hosts.js';
import { TokenCache } from './token-cache.js';
import { type Challenge, parseWwwAuthenticate } from './www-authenticate.js';

export type RequestBody = string | Buffer | Uint8Array | Readable | null;

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** A path under the endpoint (`/v2/…`) or an absolute URL (upload locations). */
  path: string;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Scopes beyond the client's own (a cross-repository mount also needs pull on the source). */
  extraScopes?: string[];
  /** Stay on this endpoint (an upload session lives on the endpoint that opened it). */
  endpoint?: RegistryEndpoint;
  /** Statuses that make a mirror fall through to the next endpoint (default: any >= 400). */
  mirrorFallthrough?: (status: number) => boolean;
  signal?: AbortSignal;
}

export interface RegistryResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  url: string;
  endpoint: RegistryEndpoint;
}

export interface RepositoryClientOptions {
  hosts: RegistryHosts;
  domain: string;
  /** Repository path, e.g. `library/busybox`; empty for registry-wide calls (login). */
  path: string;
  auth?: AuthConfig;
  /** Push access (scope pull,push; no mirrors). */
  push?: boolean;
  /** Ask the token server for a refresh token (docker login's offline_token). */
  offlineToken?: boolean;
}

export function header(res: { headers: RegistryResponse['headers'] }, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export class RepositoryClient {
  readonly hosts: RegistryHosts;
  readonly domain: string;
  readonly path: string;
  private readonly auth?: AuthConfig;
  private readonly endpoints: RegistryEndpoint[];
  private pinned = 0;
  private readonly credentialId: string;
  /** A refresh token the token server handed out (login's identity token). */
  refreshToken?: string;

  constructor(private readonly opts: RepositoryClientOptions) {
    this.hosts = opts.hosts;
    this.domain = opts.domain;
    this.path = opts.path;
    this.auth = opts.auth;
    this.endpoints = opts.hosts.endpoints(opts.domain, { push: opts.push });
    const a = opts.auth ?? {};
    this.credentialId = TokenCache.credentialId([a.username, a.password, a.identitytoken, a.registrytoken]);
  }

  get scopes(): string[] {
    if (this.path === '') return [];
    return [`repository:${this.path}:${this.opts.push ? 'pull,push' : 'pull'}`];
  }

  /** Sends a request, trying endpoints in order; returns the response (any status) of the first that answers. */
  async send(req: RegistryRequest): Promise<RegistryResponse> {
    const candidates = req.endpoint ? [req.endpoint] : this.endpoints.slice(this.pinned);
    let lastErr: unknown;
    for (let i = 0; i < candidates.length; i++) {
      const ep = candidates[i]!;
      const isLast = i === candidates.length - 1;
      let res: RegistryResponse;
      try {
        res = await this.sendTo(ep, req);
      } catch (err) {
        if (req.signal?.aborted || isLast || req.endpoint || (isRegistryError(err) && !ep.mirror)) throw err;
        lastErr = err;
        continue;
      }
      const fallthrough = req.mirrorFallthrough ?? ((s: number) => s >= 400);
      if (ep.mirror && !isLast && fallthrough(res.statusCode)) {
        await res.body.dump().catch(() => undefined);
        continue;
      }
      if (!req.endpoint) {
        const idx = this.endpoints.indexOf(ep);
        // Stick to what answered; a mirror stays first only while it keeps answering.
        if (idx >= 0 && !ep.mirror) this.pinned = idx;
        this.hosts.prefer(ep);
      }
      return res;
    }
    throw lastErr ?? new BerthError(`no endpoint for ${this.domain}`);
  }

  /** Like `send`, but a status outside `ok` becomes docker's error for it. */
  async call(req: RegistryRequest, ok: number[] = [200]): Promise<RegistryResponse> {
    const res = await this.send(req);
    if (ok.includes(res.statusCode)) return res;
    throw await this.responseError(res);
  }

  async responseError(res: RegistryResponse): Promise<Error> {
    const text = res.body ? await res.body.text().catch(() => '') : '';
    const bearer = parseWwwAuthenticate(res.headers['www-authenticate']).find((c) => c.scheme === 'bearer');
    return errorFromResponse(res.statusCode, text, bearer ? { error: bearer.params.error, description: bearer.params.error_description } : undefined);
  }

  urlFor(ep: RegistryEndpoint, path: string): string {
    return /^https?:\/\//.test(path) ? path : new URL(path, ep.url + '/').toString();
  }

  private async sendTo(ep: RegistryEndpoint, req: RegistryRequest): Promise<RegistryResponse> {
    const url = this.urlFor(ep, req.path);
    const origin = new URL(ep.url).origin;
    const replayable = req.body === undefined || req.body === null || typeof req.body === 'string' || req.body instanceof Uint8Array;
    const scopes = [...this.scopes, ...(req.extraScopes ?? [])];
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { 'user-agent': this.hosts.userAgent, ...(req.headers ?? {}) };
      const authz = await this.authorization(ep, origin, scopes, req.method, url);
      if (authz) headers.authorization = authz;
      let raw: Dispatcher.ResponseData;
      try {
        raw = await request(url, {
          method: req.method,
          headers,
          body: req.body === undefined ? undefined : (req.body as string | Buffer | Readable | null),
          dispatcher: ep.dispatcher,
          signal: req.signal,
          maxRedirections: req.method === 'GET' || req.method === 'HEAD' ? 5 : 0,
        });
      } catch (err) {
        if (req.signal?.aborted) throw req.signal.reason ?? err;
        throw transportError(req.method, url, err);
      }
      if (raw.statusCode === 401 && attempt === 0 && replayable) {
        const challenges = parseWwwAuthenticate(raw.headers['www-authenticate']);
        if (challenges.length > 0) {
          const known = this.hosts.tokens.challengeFor(origin);
          this.hosts.tokens.setChallenge(origin, challenges);
          const bearer = challenges.find((c) => c.scheme === 'bearer');
          // Retry when we learned how to authenticate, or a cached token went stale.
          if (!known || (bearer && authz?.startsWith('Bearer '))) {
            if (bearer && authz?.startsWith('Bearer ')) this.forgetToken(bearer, scopes);
            await raw.body.dump().catch(() => undefined);
            continue;
          }
        }
      }
      return { statusCode: raw.statusCode, headers: raw.headers, body: raw.body, url, endpoint: ep };
    }
  }

  /** Pings `/v2/` so the endpoint's challenge is known before a streamed (unreplayable) request. */
  async prime(endpoint?: RegistryEndpoint, signal?: AbortSignal): Promise<RegistryEndpoint> {
    const ep = endpoint ?? this.endpoints[this.pinned]!;
    if (this.hosts.tokens.challengeFor(new URL(ep.url).origin)) return ep;
    const res = await this.send({ method: 'GET', path: '/v2/', endpoint: endpoint, signal });
    await res.body.dump().catch(() => undefined);
    return res.endpoint;
  }

  private forgetToken(c: Challenge, scopes: string[]): void {
    this.hosts.tokens.delete(TokenCache.key(c.params.realm ?? '', c.params.service ?? '', scopes, this.credentialId));
  }

  private async authorization(ep: RegistryEndpoint, origin: string, scopes: string[], method: string, url: string): Promise<string | undefined> {
    const challenges = this.hosts.tokens.challengeFor(origin);
    if (!challenges) return undefined;
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) {
      try {
        return `Bearer ${await this.token(ep, bearer, scopes)}`;
      } catch (err) {
        // docker reports token failures as the failure of the registry request (Go's url.Error).
        if (isRegistryError(err)) throw registryError(err.status, `${goMethod(method)} ${JSON.stringify(url)}: ${err.message}`, err.codes);
        throw err;
      }
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      const a = this.auth;
      if (!a || !(a.username || a.password)) {
        throw registryError(401, `${goMethod(method)} ${JSON.stringify(url)}: no basic auth credentials`, [{ code: 'UNAUTHORIZED' }]);
      }
      return `Basic ${Buffer.from(`${a.username ?? ''}:${a.password ?? ''}`).toString('base64')}`;
    }
    return undefined;
  }

  private async token(ep: RegistryEndpoint, c: Challenge, scopes: string[]): Promise<string> {
    const a = this.auth ?? {};
    if (a.registrytoken) return a.registrytoken;
    const realm = c.params.realm;
    if (!realm) throw new BerthError('bearer challenge without realm');
    const service = c.params.service ?? '';
    const key = TokenCache.key(realm, service, scopes, this.credentialId);
    const cached = this.hosts.tokens.get(key);
    if (cached) return cached;
    const dispatcher = this.hosts.dispatcherForUrl(realm);
    const headers: Record<string, string> = { 'user-agent': this.hosts.userAgent };
    let raw: Dispatcher.ResponseData;
    try {
      if (a.identitytoken) {
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: a.identitytoken, client_id: 'docker' });
        if (service) form.set('service', service);
        if (scopes.length) form.set('scope', scopes.join(' '));
        if (this.opts.offlineToken) form.set('access_type', 'offline');
        raw = await request(realm, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body: form.toString(),
          dispatcher,
        });
      } else {
        const u = new URL(realm);
        if (service) u.searchParams.set('service', service);
        for (const s of scopes) u.searchParams.append('scope', s);
        if (hasCredentials(a)) {
          if (a.username) u.searchParams.set('account', a.username);
          headers.authorization = `Basic ${Buffer.from(`${a.username ?? ''}:${a.password ?? ''}`).toString('base64')}`;
        }
        if (this.opts.offlineToken) {
          u.searchParams.set('offline_token', 'true');
          u.searchParams.set('client_id', 'docker');
        }
        raw = await request(u.toString(), { method: 'GET', headers, dispatcher, maxRedirections: 5 });
      }
    } catch (err) {
      throw transportError(a.identitytoken ? 'POST' : 'GET', realm, err);
    }
    const text = await raw.body.text();
    if (raw.statusCode < 200 || raw.statusCode >= 300) throw errorFromResponse(raw.statusCode, text);
    let body: { token?: string; access_token?: string; expires_in?: number; refresh_token?: string };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new BerthError(`unable to decode token response: ${text.slice(0, 200)}`);
    }
    const token = body.access_token || body.token;
    if (!token) throw new BerthError('authorization server did not include a token in the response');
    if (body.refresh_token) this.refreshToken = body.refresh_token;
    this.hosts.tokens.set(key, token, body.expires_in ?? 60);
    void ep;
    return token;
  }
}
