// Checking credentials against a registry, as dockerd's POST /auth does: GET /v2/ with them
// (basic, or a bearer token fetched with them, asking for a refresh token to hand back as the
// identity token). Failures are worded as dockerd words them.
import { UnauthorizedError } from '../../errors.js';
import { type AuthConfig, registryDomainOf } from './auth-config.js';
import { isRegistryError, statusText } from './registry-error.js';
import type { RegistryHosts } from './registry-hosts.js';
import { RepositoryClient } from './repository-client.js';

export interface LoginOptions extends AuthConfig {
  hosts: RegistryHosts;
  signal?: AbortSignal;
}

export interface LoginResult {
  status: 'Login Succeeded';
  identitytoken?: string;
}

export async function login(opts: LoginOptions): Promise<LoginResult> {
  const { hosts, signal, ...auth } = opts;
  const domain = registryDomainOf(auth.serveraddress);
  const client = new RepositoryClient({ hosts, domain, path: '', auth, offlineToken: true });
  let res;
  try {
    res = await client.send({ method: 'GET', path: '/v2/', signal });
  } catch (err) {
    if (isRegistryError(err) && err.status === 401) throw new UnauthorizedError(err.message);
    throw err;
  }
  await res.body.dump().catch(() => undefined);
  if (res.statusCode === 200) {
    return client.refreshToken ? { status: 'Login Succeeded', identitytoken: client.refreshToken } : { status: 'Login Succeeded' };
  }
  const msg = `login attempt to ${res.url} failed with status: ${statusText(res.statusCode)}`;
  if (res.statusCode === 401) throw new UnauthorizedError(msg);
  throw Object.assign(new Error(msg), { status: res.statusCode });
}
