// Registry credentials as docker passes them around: the AuthConfig record, the `X-Registry-Auth`
// header (base64url JSON) the daemon receives, and the server-address spellings docker accepts.
import { InvalidArgumentError } from '../../errors.js';
import { DEFAULT_DOMAIN, LEGACY_DOMAIN } from '../../oci/reference.js';

/** docker's types/registry.AuthConfig. */
export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64("user:password"), as stored in config.json. */
  auth?: string;
  email?: string;
  serveraddress?: string;
  /** An OAuth2 refresh token, returned by login when the token server offers one. */
  identitytoken?: string;
  /** A bearer token used as is. */
  registrytoken?: string;
}

/** The key docker uses for Docker Hub in config.json and in login. */
export const INDEX_SERVER = 'https://index.docker.io/v1/';

/** Decodes the `X-Registry-Auth` header; docker accepts url-safe or standard base64, padded or not. */
export function decodeRegistryAuth(header: string | undefined): AuthConfig | undefined {
  if (!header) return undefined;
  const b64 = header.trim().replace(/-/g, '+').replace(/_/g, '/');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
  } catch {
    throw new InvalidArgumentError('invalid X-Registry-Auth header: invalid character in JSON');
  }
  if (json === null || typeof json !== 'object') return undefined;
  const src = json as Record<string, unknown>;
  // Field names are matched case-insensitively, as Go's encoding/json does.
  const pick = (name: string): string | undefined => {
    for (const [k, v] of Object.entries(src)) if (k.toLowerCase() === name && typeof v === 'string' && v !== '') return v;
    return undefined;
  };
  const out: AuthConfig = {};
  for (const k of ['username', 'password', 'auth', 'email', 'serveraddress', 'identitytoken', 'registrytoken'] as const) {
    const v = pick(k);
    if (v !== undefined) out[k] = v;
  }
  return resolveAuth(out);
}

/** Encodes an AuthConfig for the `X-Registry-Auth` header (base64url, as the docker CLI sends it). */
export function encodeRegistryAuth(auth: AuthConfig): string {
  return Buffer.from(JSON.stringify(auth)).toString('base64url');
}

/** Fills username/password from `auth` (base64 "user:pass") when only that is given. */
export function resolveAuth(auth: AuthConfig): AuthConfig {
  if (auth.auth && !auth.username && !auth.password) {
    const decoded = Buffer.from(auth.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { ...auth, username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return auth;
}

/** docker's ConvertToHostname: `https://host:5000/v1/` → `host:5000`. */
export function convertToHostname(address: string): string {
  let s = address;
  if (s.startsWith('http://')) s = s.slice(7);
  else if (s.startsWith('https://')) s = s.slice(8);
  const slash = s.indexOf('/');
  return slash === -1 ? s : s.slice(0, slash);
}

/** The registry domain a login or credentials entry is for: Docker Hub's spellings all → docker.io. */
export function registryDomainOf(serverAddress: string | undefined): string {
  if (!serverAddress) return DEFAULT_DOMAIN;
  const host = convertToHostname(serverAddress);
  if (host === '' || host === LEGACY_DOMAIN || host === DEFAULT_DOMAIN || host === 'registry-1.docker.io') return DEFAULT_DOMAIN;
  return host;
}

/** The config.json key docker stores credentials of a registry domain under. */
export function credentialsKey(domain: string): string {
  return domain === DEFAULT_DOMAIN ? INDEX_SERVER : domain;
}

export function hasCredentials(auth: AuthConfig | undefined): boolean {
  return !!auth && !!(auth.username || auth.password || auth.identitytoken || auth.registrytoken);
}
