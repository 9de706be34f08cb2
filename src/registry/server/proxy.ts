// Pull-through cache: repositories under a configured prefix are fetched from an upstream
// registry on a miss, stored like pushed content, and served from disk afterwards. Tags are asked
// of the upstream again once their TTL has passed (served from cache if the upstream is down).
import { request, type Dispatcher } from 'undici';
import { digestOf, isDigest, type Digest } from '../../oci/digest.js';
import { MediaType } from '../../oci/media-types.js';
import type { ProxyUpstream } from './config.js';
import { MANIFEST_MEDIA_TYPES, parseManifest } from './manifest-parse.js';
import { RegistryError } from './registry-error.js';
import type { RegistryStorage } from './storage.js';
import { writeBody } from './uploads.js';

const ACCEPT = [MediaType.ociIndex, MediaType.dockerManifestList, MediaType.ociManifest, MediaType.dockerManifest].join(', ');

interface CachedToken {
  value: string;
  expires: number;
}

function parseChallenge(h: string): { scheme: string; params: Record<string, string> } {
  const sp = h.indexOf(' ');
  const scheme = (sp > 0 ? h.slice(0, sp) : h).toLowerCase();
  const params: Record<string, string> = {};
  for (const m of h.slice(sp + 1).matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) params[m[1]!] = m[2]!;
  return { scheme, params };
}

/** One upstream registry, with its credentials and token cache. */
export class UpstreamRegistry {
  private readonly tokens = new Map<string, CachedToken>();

  constructor(readonly cfg: ProxyUpstream) {}

  remoteName(name: string): string {
    return (this.cfg.remotePrefix ?? '') + name.slice(this.cfg.prefix.length);
  }

  private basic(): string | undefined {
    if (this.cfg.username === undefined) return undefined;
    return 'Basic ' + Buffer.from(`${this.cfg.username}:${this.cfg.password ?? ''}`).toString('base64');
  }

  private async fetchToken(challenge: Record<string, string>, scope: string): Promise<string> {
    const url = new URL(challenge['realm']!);
    if (challenge['service']) url.searchParams.set('service', challenge['service']);
    url.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    const b = this.basic();
    if (b) headers['authorization'] = b;
    const res = await request(url, { headers, maxRedirections: 3 });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new RegistryError(502, 'UNKNOWN', `upstream token service answered ${res.statusCode}`);
    }
    const doc = (await res.body.json()) as { token?: string; access_token?: string; expires_in?: number };
    const value = doc.token ?? doc.access_token;
    if (!value) throw new RegistryError(502, 'UNKNOWN', 'upstream token service sent no token');
    this.tokens.set(scope, { value, expires: Date.now() + Math.max(30, (doc.expires_in ?? 60) - 10) * 1000 });
    return value;
  }

  /** A request to the upstream, answering its auth challenge once when needed. */
  async send(method: 'GET' | 'HEAD', path: string, remote: string, headers: Record<string, string> = {}): Promise<Dispatcher.ResponseData> {
    const scope = `repository:${remote}:pull`;
    const url = this.cfg.url + path;
    const tok = this.tokens.get(scope);
    const auth = tok && tok.expires > Date.now() ? `Bearer ${tok.value}` : this.basic();
    let res = await request(url, { method, headers: auth ? { ...headers, authorization: auth } : headers, maxRedirections: 5 });
    if (res.statusCode !== 401) return res;
    await res.body.dump();
    const ch = parseChallenge(String(res.headers['www-authenticate'] ?? ''));
    let retryAuth: string | undefined;
    if (ch.scheme === 'bearer' && ch.params['realm']) retryAuth = `Bearer ${await this.fetchToken(ch.params, scope)}`;
    else retryAuth = this.basic();
    if (!retryAuth) return res;
    res = await request(url, { method, headers: { ...headers, authorization: retryAuth }, maxRedirections: 5 });
    return res;
  }
}

export class PullThroughCache {
  private readonly upstreams: UpstreamRegistry[];
  private readonly tagChecked = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(configs: ProxyUpstream[], private readonly storage: RegistryStorage) {
    // Longest prefix first, so a specific mapping wins over a catch-all.
    this.upstreams = configs.map((c) => new UpstreamRegistry(c)).sort((a, b) => b.cfg.prefix.length - a.cfg.prefix.length);
  }

  upstreamFor(name: string): UpstreamRegistry | undefined {
    return this.upstreams.find((u) => name.startsWith(u.cfg.prefix) && name.length > u.cfg.prefix.length);
  }

  private once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key);
    if (running) return running as Promise<T>;
    const p = fn().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /** True when a cached tag is old enough to ask the upstream about again. */
  tagIsStale(name: string, tag: string): boolean {
    const u = this.upstreamFor(name);
    if (!u) return false;
    const checked = this.tagChecked.get(`${name}:${tag}`);
    return checked === undefined || Date.now() - checked > u.cfg.tagTtlMs;
  }

  /** Fetches a manifest (by tag or digest) from the upstream and stores it; its digest, or undefined. */
  fetchManifest(name: string, ref: string): Promise<Digest | undefined> {
    const u = this.upstreamFor(name);
    if (!u) return Promise.resolve(undefined);
    return this.once(`m:${name}:${ref}`, async () => {
      const remote = u.remoteName(name);
      const res = await u.send('GET', `/v2/${remote}/manifests/${ref}`, remote, { accept: ACCEPT });
      if (res.statusCode === 404) {
        await res.body.dump();
        return undefined;
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new RegistryError(502, 'UNKNOWN', `upstream answered ${res.statusCode} for ${remote}:${ref}`);
      }
      const bytes = Buffer.from(await res.body.arrayBuffer());
      const ct = String(res.headers['content-type'] ?? '');
      const parsed = parseManifest(bytes, MANIFEST_MEDIA_TYPES.has(ct) ? ct : '');
      const digest = digestOf(bytes, isDigest(ref) && ref.startsWith('sha512:') ? 'sha512' : 'sha256');
      if (isDigest(ref) && ref !== digest) throw new RegistryError(502, 'DIGEST_INVALID', `upstream sent a manifest that is not ${ref}`);
      const row = { repo: name, digest, mediaType: parsed.mediaType, size: bytes.length, artifactType: parsed.artifactType, subject: parsed.subject, annotations: parsed.annotations };
      // Blobs arrive lazily, on their first GET: record references without requiring them.
      const all = [...parsed.blobs, ...parsed.manifests, ...parsed.unchecked];
      await this.storage.putManifest(row, bytes, { blobs: [], manifests: [], unchecked: all }, isDigest(ref) ? undefined : ref);
      if (!isDigest(ref)) this.tagChecked.set(`${name}:${ref}`, Date.now());
      return digest;
    });
  }

  /** Downloads a blob from the upstream into the store (linked into `name`); false when upstream has none. */
  fetchBlob(name: string, digest: Digest): Promise<boolean> {
    const u = this.upstreamFor(name);
    if (!u) return Promise.resolve(false);
    return this.once(`b:${name}:${digest}`, async () => {
      const remote = u.remoteName(name);
      const res = await u.send('GET', `/v2/${remote}/blobs/${digest}`, remote);
      if (res.statusCode === 404) {
        await res.body.dump();
        return false;
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new RegistryError(502, 'UNKNOWN', `upstream answered ${res.statusCode} for blob ${digest}`);
      }
      const writer = await this.storage.content.writer({ expected: digest });
      try {
        await writeBody(res.body, writer, Infinity);
      } catch (err) {
        await writer.abort();
        throw err;
      }
      await this.storage.commitWriter(writer, digest, name);
      return true;
    });
  }
}
