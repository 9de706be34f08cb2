// An active snapshot's changes (a container's or a build step's upper dir) made into a stored
// layer: the upper dir diffed into an OCI layer tar, the tar kept in the content store as the
// layer's blob and unpacked as the committed snapshot named by its chain ID. The active snapshot
// is left alone; the caller removes it (a build step) or keeps it (`docker commit`).
import type { Digest } from '../oci/digest.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import { diffLayer } from '../snapshot/diff-layer.js';
import type { ImageService } from './image-service.js';
import type { LayerRecord } from './image-store.js';

/** The layer holding what the active snapshot `key` changed over `parent` (its parent chain ID). */
export async function commitSnapshotLayer(images: ImageService, snapshots: Snapshotter, key: string, parent: Digest | undefined): Promise<LayerRecord> {
  const upper = await snapshots.upperDir(key);
  return images.addLayer(diffLayer(upper, snapshots.idMap ? { idMap: snapshots.idMap } : {}), parent);
}
