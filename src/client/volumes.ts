// Volume endpoints of the Engine API.
import type { ApiClient } from './api-client.js';
import { type Filters, encodeFilters } from './filters.js';

const enc = encodeURIComponent;

export interface VolumeRecord {
  Name: string;
  Driver: string;
  Mountpoint?: string;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
  Scope?: string;
  CreatedAt?: string;
}

export interface VolumeCreateBody {
  Name: string;
  Driver?: string;
  DriverOpts?: Record<string, string>;
  Labels?: Record<string, string>;
}

export async function createVolume(c: ApiClient, body: VolumeCreateBody): Promise<VolumeRecord> {
  return c.json('POST', '/volumes/create', { body });
}

export async function inspectVolume(c: ApiClient, name: string): Promise<VolumeRecord> {
  return c.json('GET', `/volumes/${enc(name)}`);
}

export async function listVolumes(c: ApiClient, filters?: Filters): Promise<VolumeRecord[]> {
  const r = await c.json<{ Volumes: VolumeRecord[] | null }>('GET', '/volumes', { query: { filters: encodeFilters(filters) } });
  return r.Volumes ?? [];
}

export async function removeVolume(c: ApiClient, name: string, force = false): Promise<void> {
  await c.call('DELETE', `/volumes/${enc(name)}`, { query: { force: force || undefined } });
}
