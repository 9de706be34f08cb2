// `POST /images/prune`: untagged images (all unused ones with dangling=false) that docker's
// filters select: label, label!, until.
import { FilterArgs, ACCEPTED_FILTERS, createdNotAfter, pruneUntil } from '../filters/mod.js';
import type { Digest } from '../oci/digest.js';
import type { ImageService } from './image-service.js';

export async function pruneImages(
  im: ImageService,
  filters: FilterArgs,
  /** True when a container (running or not) uses the image: docker's prune leaves those. */
  inUse: (imageId: Digest) => boolean,
): Promise<{ ImagesDeleted: Array<Record<string, string>> | null; SpaceReclaimed: number }> {
  filters.validate(ACCEPTED_FILTERS.imagePrune);
  const danglingOnly = filters.bool('dangling', true);
  const until = pruneUntil(filters);
  const deleted: Array<Record<string, string>> = [];
  for (const img of im.store.list()) {
    if (danglingOnly && im.store.tagsOf(img.id).length > 0) continue;
    if (img.config.created && !createdNotAfter(img.config.created, until)) continue;
    if (img.config.config && !filters.labelsAndNot(img.config.config.Labels)) continue;
    if (inUse(img.id)) continue;
    try {
      deleted.push(...((await im.remove(img.id, { force: !danglingOnly })) as Array<Record<string, string>>));
    } catch {
      // in use or raced: skip, like docker
    }
  }
  return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: 0 };
}
