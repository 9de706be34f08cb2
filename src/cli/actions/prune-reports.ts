// Each kind of prune as docker reports it ("Deleted Containers:\n<id>…\n"), so that the single
// prune commands and `system prune` print the same thing.
import type { ApiClient } from '../../client/api-client.js';
import { pruneContainers } from '../../client/containers.js';
import type { Filters } from '../../client/filters.js';
import { pruneImages } from '../../client/images.js';
import { pruneNetworks } from '../../client/networks.js';
import { pruneBuildCache } from '../../client/system.js';
import { encodeFilters } from '../../client/filters.js';

export interface PruneReport {
  /** What docker prints for the kind (ends with a blank line), or '' when nothing went. */
  output: string;
  reclaimed: number;
}

const listing = (title: string, lines: readonly string[]): string => (lines.length ? `${title}:\n${lines.map((l) => `${l}\n`).join('')}\n` : '');

export async function pruneContainersReport(c: ApiClient, filters: Filters): Promise<PruneReport> {
  const r = await pruneContainers(c, filters);
  return { output: listing('Deleted Containers', r.ContainersDeleted ?? []), reclaimed: r.SpaceReclaimed ?? 0 };
}

/** `all`: every unused image, not only dangling ones. */
export async function pruneImagesReport(c: ApiClient, filters: Filters, all: boolean): Promise<PruneReport> {
  const r = await pruneImages(c, { ...filters, dangling: [all ? 'false' : 'true'] });
  const lines = (r.ImagesDeleted ?? []).flatMap((it) => [...(it.Untagged ? [`untagged: ${it.Untagged}`] : []), ...(it.Deleted ? [`deleted: ${it.Deleted}`] : [])]);
  return { output: listing('Deleted Images', lines), reclaimed: r.SpaceReclaimed ?? 0 };
}

export async function pruneNetworksReport(c: ApiClient, filters: Filters): Promise<PruneReport> {
  const r = await pruneNetworks(c, filters);
  return { output: listing('Deleted Networks', r.NetworksDeleted ?? []), reclaimed: 0 };
}

/** `all`: named volumes too, not only anonymous ones. */
export async function pruneVolumesReport(c: ApiClient, filters: Filters, all: boolean): Promise<PruneReport> {
  const f = encodeFilters(all ? { ...filters, all: ['true'] } : filters);
  const r = await c.json<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune', { query: f ? { filters: f } : {} });
  return { output: listing('Deleted Volumes', r.VolumesDeleted ?? []), reclaimed: r.SpaceReclaimed ?? 0 };
}

export async function pruneBuildCacheReport(c: ApiClient, filters: Filters, all: boolean, keepStorage?: number): Promise<PruneReport> {
  const r = await pruneBuildCache(c, { all, filters, ...(keepStorage ? { keepStorage } : {}) });
  return { output: listing('Deleted build cache objects', r.CachesDeleted ?? []), reclaimed: r.SpaceReclaimed ?? 0 };
}
