// `GET /images/json`: docker's ImageSummary list for the filters given. With `reference=` an
// image shows only the tags and digests that match, as docker's does.
import { FilterArgs, ACCEPTED_FILTERS, createdNotAfter, parseTimestamp, pathMatch } from '../filters/mod.js';
import { NotFoundError } from '../errors.js';
import { familiarName, familiarString, type Reference } from '../oci/reference.js';
import type { Digest } from '../oci/digest.js';
import type { ImageRecord, ImageStore } from './image-store.js';

export interface ListImagesOptions {
  all?: boolean;
  filters?: FilterArgs;
  containersOf?: (id: Digest) => number;
}

export function listImages(store: ImageStore, o: ListImagesOptions = {}): Array<Record<string, unknown>> {
  const f = (o.filters ?? FilterArgs.empty()).validate(ACCEPTED_FILTERS.imageList);
  const dangling = f.has('dangling') ? f.bool('dangling', false) : undefined;
  const before = f.has('before') ? createdOf(lookup(store, f.get('before'))) : undefined;
  const since = f.has('since') ? createdOf(lookup(store, f.get('since'))) : undefined;
  const until = f.has('until') ? f.get('until').map((v) => parseTimestamp(v)) : undefined;
  const patterns = f.get('reference');

  const tagsById = new Map<string, Reference[]>();
  for (const { ref, imageId } of store.allTags()) tagsById.set(imageId, [...(tagsById.get(imageId) ?? []), ref]);
  const out: Array<Record<string, unknown>> = [];
  for (const img of store.list()) {
    const created = createdOf(img);
    if (before !== undefined && created >= before) continue;
    if (since !== undefined && created <= since) continue;
    if (until && !until.some((u) => createdNotAfter(created, u))) continue;
    if (f.has('label') && !f.labels('label', img.config.config?.Labels)) continue;
    const allTags = tagsById.get(img.id) ?? [];
    const tags = allTags.filter((t) => patterns.length === 0 || referenceMatches(patterns, familiarString(t), familiarName(t)));
    const digests = img.repoDigests.filter((d) => patterns.length === 0 || referenceMatches(patterns, d, d.slice(0, d.lastIndexOf('@'))));
    if (patterns.length > 0 && tags.length === 0 && digests.length === 0) continue;
    if (dangling === true && allTags.length > 0) continue;
    if (dangling === false && allTags.length === 0 && img.repoDigests.length === 0) continue;
    out.push({
      Id: img.id,
      ParentId: img.parent ?? '',
      RepoTags: tags.map((t) => familiarString(t)),
      RepoDigests: digests,
      Created: Math.floor(created / 1000),
      Size: img.layers.reduce((n, l) => n + l.size, 0),
      SharedSize: -1,
      Labels: img.config.config?.Labels ?? {},
      Containers: o.containersOf ? o.containersOf(img.id) : -1,
    });
  }
  out.sort((a, b) => (b.Created as number) - (a.Created as number));
  return out;
}

/** docker's FamiliarMatch: the pattern against `name:tag` (or `name@digest`), then the bare name. */
function referenceMatches(patterns: string[], familiar: string, name: string): boolean {
  return patterns.some((p) => pathMatch(p, familiar) || pathMatch(p, name));
}

function lookup(store: ImageStore, values: string[]): ImageRecord {
  let found: ImageRecord | undefined;
  for (const v of values) {
    found = store.find(v)?.image;
    if (!found) throw new NotFoundError(`No such image: ${v}`);
  }
  return found!;
}

/** Milliseconds since the epoch of the image's `created` (0 when it has none). */
function createdOf(img: ImageRecord): number {
  const t = img.config.created ? Date.parse(img.config.created) : 0;
  return Number.isNaN(t) ? 0 : t;
}
