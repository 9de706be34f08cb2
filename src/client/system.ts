// System endpoints: version, info, events, auth.
import type { IncomingMessage } from 'node:http';
import type { ApiClient } from './api-client.js';
import { type Filters, encodeFilters } from './filters.js';
import type { ContainerSummary, ImageSummary, VersionInfo } from './types.js';

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

export interface VolumeUsage {
  Name: string;
  Driver?: string;
  Mountpoint?: string;
  Scope?: string;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
  CreatedAt?: string;
  UsageData?: { Size: number; RefCount: number } | null;
}

export interface BuildCacheRecord {
  ID: string;
  Type?: string;
  Description?: string;
  InUse?: boolean;
  Shared?: boolean;
  Size?: number;
  CreatedAt?: string;
  LastUsedAt?: string | null;
  UsageCount?: number;
}

export interface DiskUsage {
  LayersSize?: number;
  Images?: ImageSummary[] | null;
  Containers?: ContainerSummary[] | null;
  Volumes?: VolumeUsage[] | null;
  BuildCache?: BuildCacheRecord[] | null;
}

export async function diskUsage(c: ApiClient): Promise<DiskUsage> {
  return c.json('GET', '/system/df');
}

export async function pruneBuildCache(c: ApiClient, o: { all?: boolean; filters?: Filters; keepStorage?: number } = {}): Promise<{ CachesDeleted?: string[] | null; SpaceReclaimed?: number }> {
  return c.json('POST', '/build/prune', { query: { all: o.all || undefined, filters: encodeFilters(o.filters), 'keep-storage': o.keepStorage || undefined } });
}

/** One orphan `berth system check` found (src/system/check-finding.ts on the daemon's side). */
export interface CheckFinding {
  kind: string;
  id: string;
  reason: string;
  repaired?: boolean;
  error?: string;
}

/** berth's own `POST /berth/v1/system/check`: orphans a crash left, removed with `repair`. */
export async function systemCheck(c: ApiClient, repair: boolean): Promise<{ repair: boolean; findings: CheckFinding[] }> {
  return c.json('POST', '/berth/v1/system/check', { query: { repair: repair ? '1' : undefined } });
}
