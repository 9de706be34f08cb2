// Where and how to reach a registry: https by default with the system CAs plus per-registry CA
// and client-certificate directories in docker's layout (`<certs.d>/<host[:port]>/ca.crt`,
// `client.cert` + `client.key`); http allowed (after https) for loopback and for registries listed
// in `insecure-registries`; mirrors for any registry, tried in order before the origin on pulls.
// One object per daemon: it also holds the HTTP agents (keep-alive) and the bearer token cache.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { isIP } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { DEFAULT_DOMAIN } from '../../oci/reference.js';
import { TokenCache } from './token-cache.js';

export interface RegistryHostsConfig {
  /** docker's `insecure-registries`: `host[:port]` entries or CIDRs of IP addresses. */
  insecureRegistries?: string[];
  /** Mirrors per registry domain (`docker.io`, `ghcr.io`, `localhost:5000`): URLs or `host[:port]`, tried in order. */
  mirrors?: Record<string, string[]>;
  /** docker's `registry-mirrors` (Docker Hub only); added after `mirrors['docker.io']`. */
  registryMirrors?: string[];
  /** Directories in docker's certs.d layout; default `/etc/berth/certs.d` then `/etc/docker/certs.d`. */
  certsDirs?: string[];
  userAgent?: string;
  /** Treat loopback registries as insecure, as docker does for 127.0.0.0/8 (default true). */
  insecureLoopback?: boolean;
  /** Connections per registry host (keep-alive pool). */
  connectionsPerHost?: number;
}

export interface RegistryEndpoint {
  /** Base URL without trailing slash: `https://registry-1.docker.io`. */
  url: string;
  /** `host[:port]` as written in certs.d and in the insecure list. */
  host: string;
  mirror: boolean;
  /** TLS not verified (insecure registry over https). */
  skipVerify: boolean;
  dispatcher: Dispatcher;
}

export const DEFAULT_CERTS_DIRS = ['/etc/berth/certs.d', '/etc/docker/certs.d'];

/** The host that serves a registry domain's API (Docker Hub's differs from its name). */
export function apiHostOf(domain: string): string {
  return domain === DEFAULT_DOMAIN ? 'registry-1.docker.io' : domain;
}

function splitHostPort(host: string): { hostname: string; port?: string } {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    const port = host.slice(end + 1).replace(/^:/, '');
    return { hostname: host.slice(1, end), port: port || undefined };
  }
  const colon = host.lastIndexOf(':');
  return colon === -1 ? { hostname: host } : { hostname: host.slice(0, colon), port: host.slice(colon + 1) };
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsStr] = cidr.split('/');
  if (!net || bitsStr === undefined || isIP(net) !== 4 || isIP(ip) !== 4) return false;
  const bits = Number(bitsStr);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4ToInt(ip) & mask) === (ipv4ToInt(net) & mask);
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '::1' || (isIP(hostname) === 4 && hostname.startsWith('127.'));
}

export class RegistryHosts {
  readonly tokens = new TokenCache();
  readonly userAgent: string;
  private readonly agents = new Map<string, Agent>();
  /** Which scheme answered last for a host, so later operations start there. */
  private readonly preferred = new Map<string, string>();

  constructor(readonly config: RegistryHostsConfig = {}) {
    this.userAgent = config.userAgent ?? 'berth';
  }

  /** Whether plain http (and unverified https) is allowed for `host[:port]`. */
  isInsecure(host: string): boolean {
    const { hostname } = splitHostPort(host);
    if (this.config.insecureLoopback !== false && isLoopbackHost(hostname)) return true;
    for (const entry of this.config.insecureRegistries ?? []) {
      const e = entry.replace(/^https?:\/\//, '').replace(/\/+$/, '');
      if (e === host || e === hostname) return true;
      if (e.includes('/') && inCidr(hostname, e)) return true;
    }
    return false;
  }

  /** Endpoints for a registry domain in the order to try them: mirrors (pulls only), then the origin. */
  endpoints(domain: string, opts: { push?: boolean } = {}): RegistryEndpoint[] {
    const out: RegistryEndpoint[] = [];
    if (!opts.push) {
      const mirrors = [...(this.config.mirrors?.[domain] ?? []), ...(domain === DEFAULT_DOMAIN ? this.config.registryMirrors ?? [] : [])];
      for (const m of mirrors) out.push(...this.endpointsForHost(m, true));
    }
    out.push(...this.endpointsForHost(apiHostOf(domain), false));
    return out;
  }

  private endpointsForHost(spec: string, mirror: boolean): RegistryEndpoint[] {
    const explicit = /^https?:\/\//.test(spec) ? spec.replace(/\/+$/, '') : undefined;
    const host = explicit ? new URL(explicit).host : spec.replace(/\/+$/, '');
    const insecure = this.isInsecure(host);
    let urls: string[];
    if (explicit) urls = [explicit];
    else urls = insecure ? [`https://${host}`, `http://${host}`] : [`https://${host}`];
    const pref = this.preferred.get(host);
    if (pref && urls.includes(pref)) urls = [pref, ...urls.filter((u) => u !== pref)];
    return urls.map((url) => {
      const skipVerify = url.startsWith('https:') && insecure;
      return { url, host, mirror, skipVerify, dispatcher: this.dispatcherFor(host, url.startsWith('https:'), skipVerify) };
    });
  }

  /** Remembers that `url` worked for its host. */
  prefer(endpoint: RegistryEndpoint): void {
    this.preferred.set(endpoint.host, endpoint.url);
  }

  /** A dispatcher for any URL (redirect targets, token realms): TLS settings of its host. */
  dispatcherForUrl(url: string): Dispatcher {
    const u = new URL(url);
    const https = u.protocol === 'https:';
    return this.dispatcherFor(u.host, https, https && this.isInsecure(u.host));
  }

  private dispatcherFor(host: string, https: boolean, skipVerify: boolean): Dispatcher {
    const key = `${https ? 'https' : 'http'}://${host}${skipVerify ? '#insecure' : ''}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const connect: Record<string, unknown> = {};
      if (https) {
        const tls = this.tlsFiles(host);
        if (tls.ca.length > 0) connect.ca = [...rootCertificates, ...tls.ca];
        if (tls.cert && tls.key) {
          connect.cert = tls.cert;
          connect.key = tls.key;
        }
        if (skipVerify) connect.rejectUnauthorized = false;
      }
      agent = new Agent({
        connect,
        connections: this.config.connectionsPerHost ?? 8,
        keepAliveTimeout: 30_000,
        headersTimeout: 60_000,
        bodyTimeout: 120_000,
      });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** CA certificates (`*.crt`) and a client pair (`*.cert` + `*.key`) from the certs.d dirs. */
  private tlsFiles(host: string): { ca: string[]; cert?: string; key?: string } {
    const out: { ca: string[]; cert?: string; key?: string } = { ca: [] };
    for (const base of this.config.certsDirs ?? DEFAULT_CERTS_DIRS) {
      const dir = join(base, host);
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        continue;
      }
      for (const n of names) {
        if (n.endsWith('.crt')) out.ca.push(readFileSync(join(dir, n), 'utf8'));
        else if (n.endsWith('.cert') && !out.cert) {
          const keyName = n.slice(0, -'.cert'.length) + '.key';
          if (names.includes(keyName)) {
            out.cert = readFileSync(join(dir, n), 'utf8');
            out.key = readFileSync(join(dir, keyName), 'utf8');
          }
        }
      }
    }
    return out;
  }

  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((a) => a.close().catch(() => undefined)));
  }
}
