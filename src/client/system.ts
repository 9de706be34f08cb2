// System endpoints: version, info, events, auth.
import type { IncomingMessage } from 'node:http';
import type { ApiClient } from './api-client.js';
import { type Filters, encodeFilters } from './filters.js';
import type { VersionInfo } from './types.js';

export async function serverVersion(c: ApiClient): Promise<VersionInfo> {
  return c.json('GET', '/version');
}

export async function systemInfo(c: ApiClient): Promise<Record<string, unknown>> {
  return c.json('GET', '/info');
}

export async function streamEvents(c: ApiClient, o: { since?: string; until?: string; filters?: Filters } = {}): Promise<IncomingMessage> {
  return c.send('GET', '/events', { query: { since: o.since, until: o.until, filters: encodeFilters(o.filters) } });
}

export interface AuthRequest {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
}

export async function checkAuth(c: ApiClient, body: AuthRequest): Promise<{ Status?: string; IdentityToken?: string }> {
  return c.json('POST', '/auth', { body });
}

/** The X-Registry-Auth header value: base64url of the auth JSON. */
export function encodeRegistryAuth(auth: AuthRequest): string {
  return Buffer.from(JSON.stringify(auth)).toString('base64url');
}
