// `docker system df`: what images, containers, volumes and the build cache use on disk, assembled
// from the services that own each.
import type { BuildService } from '../build/build-service.js';
import type { ContainerService } from '../container/container-service.js';
import { summarizeContainer } from '../container/container-view.js';
import type { ImageService } from '../image/image-service.js';
import type { SnapshotUsage } from '../snapshot/snapshotter.js';
import type { VolumeService } from '../volume/volume-service.js';

export interface DiskUsageSources {
  containers: ContainerService;
  images: ImageService;
  /** A container's writable layer is the snapshot keyed by its ID. */
  snapshots: { usage(key: string): Promise<SnapshotUsage> };
  volumes: VolumeService;
  builds: BuildService;
}

/** Docker's `GET /system/df` body. */
export async function diskUsage(s: DiskUsageSources): Promise<Record<string, unknown>> {
  const containers = s.containers.list();
  const records = s.images.records();
  const usesOf = (id: string): number => containers.filter((c) => c.imageId === id).length;
  const images = s.images.list({ all: true, containersOf: usesOf });
  // A layer shared by several images counts once in LayersSize, and as shared in each image.
  const layerUsers = new Map<string, number>();
  for (const img of records) for (const l of img.layers) layerUsers.set(l.chainId, (layerUsers.get(l.chainId) ?? 0) + 1);
  let layersSize = 0;
  const seen = new Set<string>();
  const shared = new Map<string, number>();
  for (const img of records) {
    let n = 0;
    for (const l of img.layers) {
      if (!seen.has(l.chainId)) {
        seen.add(l.chainId);
        layersSize += l.size;
      }
      if ((layerUsers.get(l.chainId) ?? 0) > 1) n += l.size;
    }
    shared.set(img.id, n);
  }
  const containerRows = await Promise.all(
    containers.map(async (c) => {
      const rw = await s.snapshots.usage(c.id).then((u) => u.size, () => 0);
      const img = s.images.byId(c.imageId);
      return { ...summarizeContainer(c), SizeRw: rw, SizeRootFs: rw + (img?.layers.reduce((n, l) => n + l.size, 0) ?? 0) };
    }),
  );
  const volumes = await Promise.all(s.volumes.list().map(async (v) => s.volumes.view(v, await s.volumes.usage(v))));
  return {
    LayersSize: layersSize,
    Images: images.map((i) => ({ ...i, SharedSize: shared.get(i.Id as string) ?? 0 })),
    Containers: containerRows,
    Volumes: volumes,
    BuildCache: s.builds.usage(),
  };
}
