// Image endpoints of the Engine API.
import type { IncomingMessage } from 'node:http';
import type { ApiClient } from './api-client.js';
import { type Filters, encodeFilters } from './filters.js';
import type { ImageSummary } from './types.js';
import { parsePlatform } from '../oci/platform.js';

const enc = encodeURIComponent;

export async function listImages(c: ApiClient, o: { all?: boolean; digests?: boolean; filters?: Filters } = {}): Promise<ImageSummary[]> {
  return c.json('GET', '/images/json', { query: { all: o.all || undefined, digests: o.digests || undefined, filters: encodeFilters(o.filters) } });
}

export async function inspectImage(c: ApiClient, name: string): Promise<Record<string, unknown> & { Id: string }> {
  return c.json('GET', `/images/${name.split('/').map(enc).join('/')}/json`);
}

/** `--platform linux/arm64` as the API's platform parameters want it: an OCI platform in JSON. */
function ociPlatformJson(platform: string): string {
  const p = parsePlatform(platform);
  return JSON.stringify({ architecture: p.architecture, os: p.os, ...(p.variant ? { variant: p.variant } : {}) });
}

export async function removeImage(c: ApiClient, name: string, o: { force?: boolean; noprune?: boolean; platforms?: readonly string[] } = {}): Promise<{ Untagged?: string; Deleted?: string }[]> {
  const platforms = (o.platforms ?? []).map(ociPlatformJson);
  return c.json('DELETE', `/images/${name.split('/').map(enc).join('/')}`, { query: { force: o.force || undefined, noprune: o.noprune || undefined, platforms: platforms.length ? platforms : undefined } });
}

export async function tagImage(c: ApiClient, source: string, repo: string, tag?: string): Promise<void> {
  await c.call('POST', `/images/${source.split('/').map(enc).join('/')}/tag`, { query: { repo, tag } });
}

export interface HistoryEntry {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags?: string[] | null;
  Size: number;
  Comment: string;
}

export async function imageHistory(c: ApiClient, name: string, platform?: string): Promise<HistoryEntry[]> {
  return c.json('GET', `/images/${name.split('/').map(enc).join('/')}/history`, { query: { platform: platform ? ociPlatformJson(platform) : undefined } });
}

export async function saveImages(c: ApiClient, names: readonly string[], platform?: string): Promise<IncomingMessage> {
  return c.send('GET', '/images/get', { query: { names: [...names], platform } });
}

export async function loadImages(c: ApiClient, body: NodeJS.ReadableStream | Buffer, quiet: boolean): Promise<IncomingMessage> {
  return c.send('POST', '/images/load', { query: { quiet: quiet || undefined }, body, headers: { 'Content-Type': 'application/x-tar' } });
}

export interface ImportOptions {
  fromSrc: string; // "-" when the body carries the archive, else a URL
  repo?: string;
  tag?: string;
  message?: string;
  changes?: string[];
  platform?: string;
}

export async function importImage(c: ApiClient, o: ImportOptions, body?: NodeJS.ReadableStream): Promise<IncomingMessage> {
  return c.send('POST', '/images/create', {
    query: { fromSrc: o.fromSrc, repo: o.repo, tag: o.tag, message: o.message, changes: o.changes && o.changes.length ? o.changes : undefined, platform: o.platform },
    ...(body ? { body, headers: { 'Content-Type': 'application/x-tar' } } : {}),
  });
}

/** POST /images/create?fromImage=…: a JSON progress stream. `auth` is the X-Registry-Auth value. */
export async function pullImage(c: ApiClient, o: { fromImage: string; tag?: string; platform?: string }, auth?: string): Promise<IncomingMessage> {
  return c.send('POST', '/images/create', { query: { fromImage: o.fromImage, tag: o.tag, platform: o.platform }, headers: auth ? { 'X-Registry-Auth': auth } : {} });
}

export async function pushImage(c: ApiClient, name: string, tag: string | undefined, auth: string, platform?: string): Promise<IncomingMessage> {
  return c.send('POST', `/images/${name.split('/').map(enc).join('/')}/push`, { query: { tag, platform }, headers: { 'X-Registry-Auth': auth } });
}

export async function pruneImages(c: ApiClient, filters?: Filters): Promise<{ ImagesDeleted?: { Untagged?: string; Deleted?: string }[] | null; SpaceReclaimed?: number }> {
  return c.json('POST', '/images/prune', { query: { filters: encodeFilters(filters) } });
}

/** One hit of GET /images/search. */
export interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

export async function searchImages(c: ApiClient, o: { term: string; limit?: number; filters?: Filters }, auth?: string): Promise<SearchResult[]> {
  return c.json('GET', '/images/search', {
    query: { term: o.term, limit: o.limit, filters: encodeFilters(o.filters) },
    ...(auth ? { headers: { 'X-Registry-Auth': auth } } : {}),
  });
}
