// The registry's configuration: a YAML file (all keys optional) overridden by command-line flags.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { InvalidArgumentError } from '../../errors.js';
import { ramInBytes } from '../../units/ram-in-bytes.js';

export interface ProxyUpstream {
  /** Repositories whose name starts with this prefix are fetched from `url` ('' = every repository). */
  prefix: string;
  url: string;
  /** Prefix put in front of the rest of the name upstream (e.g. 'library/'). */
  remotePrefix?: string;
  username?: string;
  password?: string;
  /** How long a cached tag is served before asking upstream again (ms). */
  tagTtlMs: number;
}

export interface RegistryConfig {
  addr: string;
  root: string;
  readOnly: boolean;
  deleteEnabled: boolean;
  tls?: { cert: string; key: string };
  auth?: {
    htpasswd?: { realm: string; path: string };
    token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
  };
  limits: { maxManifestBytes: number; maxBlobBytes: number };
  proxies: ProxyUpstream[];
  /** Blobs touched more recently than this are never collected (pending pushes reference them). */
  gcGraceMs: number;
  /** Upload sessions idle longer than this are purged with their data. */
  uploadMaxIdleMs: number;
  accessLog: boolean;
}

export const DEFAULT_ADDR = '127.0.0.1:5000';
export const DEFAULT_ROOT = '/var/lib/berth/registry';

export function defaultConfig(): RegistryConfig {
  return {
    addr: DEFAULT_ADDR,
    root: DEFAULT_ROOT,
    readOnly: false,
    deleteEnabled: false,
    limits: { maxManifestBytes: 4 << 20, maxBlobBytes: 0 },
    proxies: [],
    gcGraceMs: 3600_000,
    uploadMaxIdleMs: 24 * 3600_000,
    accessLog: true,
  };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };

/** '90s', '10m', '1h', '7d', '250ms' or a plain number of seconds → milliseconds. */
export function parseDuration(s: string | number): number {
  if (typeof s === 'number') return s * 1000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(s.trim());
  if (!m) throw new InvalidArgumentError(`invalid duration ${JSON.stringify(s)}`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 's']!);
}

/** '4MiB', '512k', '1G', or a plain number of bytes. */
export function parseSize(s: string | number): number {
  if (typeof s === 'number') return s;
  const n = ramInBytes(s.trim());
  if (n === undefined) throw new InvalidArgumentError(`invalid size ${JSON.stringify(s)}`);
  return n;
}

/** `URL` or `PREFIX=URL` (the form of the --proxy flag). */
export function parseProxyFlag(s: string): ProxyUpstream {
  const eq = s.indexOf('=');
  const [prefix, url] = eq > 0 && !s.slice(0, eq).includes('://') ? [s.slice(0, eq), s.slice(eq + 1)] : ['', s];
  return { prefix, url: url.replace(/\/+$/, ''), tagTtlMs: 0 };
}

function str(v: unknown, key: string): string {
  if (typeof v !== 'string') throw new InvalidArgumentError(`config: ${key} must be a string`);
  return v;
}

/** Reads a YAML config file into a full config (defaults for what it leaves out). */
export async function loadConfigFile(path: string): Promise<RegistryConfig> {
  const doc = (parseYaml(await readFile(path, 'utf8')) ?? {}) as Record<string, any>;
  const c = defaultConfig();
  if (doc.addr !== undefined) c.addr = str(doc.addr, 'addr');
  if (doc.root !== undefined) c.root = str(doc.root, 'root');
  if (doc.readOnly !== undefined) c.readOnly = Boolean(doc.readOnly);
  if (doc.delete !== undefined) c.deleteEnabled = Boolean(doc.delete);
  if (doc.tls) c.tls = { cert: str(doc.tls.cert, 'tls.cert'), key: str(doc.tls.key, 'tls.key') };
  if (doc.auth?.htpasswd) {
    c.auth = { ...c.auth, htpasswd: { realm: doc.auth.htpasswd.realm ?? 'berth-registry', path: str(doc.auth.htpasswd.path, 'auth.htpasswd.path') } };
  }
  if (doc.auth?.token) {
    const t = doc.auth.token;
    c.auth = {
      ...c.auth,
      token: {
        realm: str(t.realm, 'auth.token.realm'),
        service: str(t.service, 'auth.token.service'),
        issuer: str(t.issuer, 'auth.token.issuer'),
        rootCertBundle: str(t.rootCertBundle ?? t.rootcertbundle, 'auth.token.rootCertBundle'),
      },
    };
  }
  if (doc.limits?.maxManifestSize !== undefined) c.limits.maxManifestBytes = parseSize(doc.limits.maxManifestSize);
  if (doc.limits?.maxBlobSize !== undefined) c.limits.maxBlobBytes = parseSize(doc.limits.maxBlobSize);
  for (const p of (doc.proxy ?? []) as Array<Record<string, any>>) {
    c.proxies.push({
      prefix: p.prefix ?? '',
      url: str(p.url, 'proxy.url').replace(/\/+$/, ''),
      remotePrefix: p.remotePrefix,
      username: p.username,
      password: p.password,
      tagTtlMs: p.tagTtl !== undefined ? parseDuration(p.tagTtl) : 0,
    });
  }
  if (doc.gc?.grace !== undefined) c.gcGraceMs = parseDuration(doc.gc.grace);
  if (doc.uploads?.maxIdle !== undefined) c.uploadMaxIdleMs = parseDuration(doc.uploads.maxIdle);
  if (doc.log?.access !== undefined) c.accessLog = Boolean(doc.log.access);
  return c;
}
