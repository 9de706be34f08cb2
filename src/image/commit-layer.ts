// An active snapshot's changes (a container's or a build step's) made into a stored layer: the
// Differ's layer tar kept in the content store as the layer's blob and unpacked as the committed
// snapshot named by its chain ID. The active snapshot
// is left alone; the caller removes it (a build step) or keeps it (`docker commit`).
import type { Digest } from '../oci/digest.js';
import type { ImageService } from './image-service.js';
import type { LayerRecord } from './image-store.js';

/** The layer holding what the active snapshot `key` changed over `parent` (its parent chain ID). */
export async function commitSnapshotLayer(images: ImageService, key: string, parent: Digest | undefined): Promise<LayerRecord> {
  return images.addLayer(await images.deps.differ.diff(key), parent);
}
