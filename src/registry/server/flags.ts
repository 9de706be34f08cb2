// The flags of `registry serve` and `registry gc`, as data: the CLI builds its commander options
// from these tables and the standalone entry parses them with node:util, so both agree.
import { InvalidArgumentError } from '../../errors.js';
import {
  type RegistryConfig, defaultConfig, loadConfigFile, parseDuration, parseProxyFlag, parseSize,
} from './config.js';

export interface FlagSpec {
  name: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  value?: string;
  description: string;
}

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

const COMMON: FlagSpec[] = [
  { name: 'root', type: 'string', value: 'DIR', description: 'storage directory' },
  { name: 'config', type: 'string', value: 'FILE', description: 'YAML configuration file (flags override it)' },
];

export const SERVE_FLAGS: FlagSpec[] = [
  { name: 'addr', type: 'string', value: 'HOST:PORT', description: 'address to listen on (default 127.0.0.1:5000)' },
  ...COMMON,
  { name: 'tls-cert', type: 'string', value: 'FILE', description: 'serve HTTPS with this certificate (PEM)' },
  { name: 'tls-key', type: 'string', value: 'FILE', description: 'private key of --tls-cert (PEM)' },
  { name: 'htpasswd', type: 'string', value: 'FILE', description: 'require basic auth checked against this htpasswd file (bcrypt)' },
  { name: 'auth-realm', type: 'string', value: 'REALM', description: 'realm announced for basic auth' },
  { name: 'token-realm', type: 'string', value: 'URL', description: 'bearer-token auth: URL of the token service' },
  { name: 'token-service', type: 'string', value: 'NAME', description: 'bearer-token auth: service name (token audience)' },
  { name: 'token-issuer', type: 'string', value: 'NAME', description: 'bearer-token auth: issuer tokens must name' },
  { name: 'token-rootcertbundle', type: 'string', value: 'FILE', description: 'bearer-token auth: PEM certificates whose keys sign tokens' },
  { name: 'read-only', type: 'boolean', description: 'refuse every write' },
  { name: 'delete', type: 'boolean', description: 'allow deleting manifests, tags and blobs' },
  { name: 'proxy', type: 'string', multiple: true, value: '[PREFIX=]URL', description: 'pull-through cache of an upstream registry (repeatable)' },
  { name: 'max-manifest-size', type: 'string', value: 'SIZE', description: 'largest manifest accepted (default 4MiB)' },
  { name: 'max-blob-size', type: 'string', value: 'SIZE', description: 'largest blob accepted (default unlimited)' },
  { name: 'upload-max-idle', type: 'string', value: 'DURATION', description: 'purge upload sessions idle this long (default 24h)' },
  { name: 'no-access-log', type: 'boolean', description: 'do not write an access log line per request' },
];

export const GC_FLAGS: FlagSpec[] = [
  ...COMMON,
  { name: 'dry-run', type: 'boolean', description: 'print what would be removed, remove nothing' },
  { name: 'grace', type: 'string', value: 'DURATION', description: 'keep blobs touched more recently than this (default 1h)' },
  { name: 'upload-max-idle', type: 'string', value: 'DURATION', description: 'purge upload sessions idle this long (default 24h)' },
];

/** Commander spells boolean `--no-x` flags as `x: false`; node:util as `no-x: true`. Both work here. */
export function flag(v: FlagValues, name: string): string | boolean | string[] | undefined {
  if (v[name] !== undefined) return v[name];
  const camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return v[camel];
}

function s(v: FlagValues, name: string): string | undefined {
  const x = flag(v, name);
  return typeof x === 'string' ? x : undefined;
}

/** The effective configuration: defaults ← config file ← flags. */
export async function configFromFlags(v: FlagValues): Promise<RegistryConfig> {
  const file = s(v, 'config');
  const c = file ? await loadConfigFile(file) : defaultConfig();
  const addr = s(v, 'addr');
  if (addr) c.addr = addr;
  const root = s(v, 'root');
  if (root) c.root = root;
  const cert = s(v, 'tls-cert');
  const key = s(v, 'tls-key');
  if (cert || key) {
    if (!cert || !key) throw new InvalidArgumentError('--tls-cert and --tls-key go together');
    c.tls = { cert, key };
  }
  const htpasswd = s(v, 'htpasswd');
  if (htpasswd) c.auth = { ...c.auth, htpasswd: { realm: s(v, 'auth-realm') ?? 'berth-registry', path: htpasswd } };
  const tokenRealm = s(v, 'token-realm');
  if (tokenRealm) {
    const service = s(v, 'token-service');
    const issuer = s(v, 'token-issuer');
    const bundle = s(v, 'token-rootcertbundle');
    if (!service || !issuer || !bundle) {
      throw new InvalidArgumentError('--token-realm needs --token-service, --token-issuer and --token-rootcertbundle');
    }
    c.auth = { ...c.auth, token: { realm: tokenRealm, service, issuer, rootCertBundle: bundle } };
  }
  if (flag(v, 'read-only') === true) c.readOnly = true;
  if (flag(v, 'delete') === true) c.deleteEnabled = true;
  const proxies = flag(v, 'proxy');
  for (const p of Array.isArray(proxies) ? proxies : typeof proxies === 'string' ? [proxies] : []) c.proxies.push(parseProxyFlag(p));
  const mm = s(v, 'max-manifest-size');
  if (mm) c.limits.maxManifestBytes = parseSize(mm);
  const mb = s(v, 'max-blob-size');
  if (mb) c.limits.maxBlobBytes = parseSize(mb);
  const idle = s(v, 'upload-max-idle');
  if (idle) c.uploadMaxIdleMs = parseDuration(idle);
  const grace = s(v, 'grace');
  if (grace) c.gcGraceMs = parseDuration(grace);
  if (flag(v, 'no-access-log') === true || flag(v, 'access-log') === false) c.accessLog = false;
  return c;
}
