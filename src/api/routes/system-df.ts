// GET /system/df: what images, containers, volumes and the build cache use on disk.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../router.js';
import { sendJson } from '../server.js';
import { summarizeContainer } from '../../container/container-view.js';
import { buildCacheUsage } from './build.js';

export function systemDfRoutes(r: Router, engine: Engine): void {
  r.add('GET', '/system/df', async (ctx) => {
    const containers = engine.containers.store.list();
    const usesOf = (id: string): number => containers.filter((c) => c.imageId === id).length;
    const images = engine.images.list({ all: true, containersOf: usesOf });
    // A layer shared by several images counts once in LayersSize, and as shared in each image.
    const layerUsers = new Map<string, number>();
    for (const img of engine.images.store.list()) for (const l of img.layers) layerUsers.set(l.chainId, (layerUsers.get(l.chainId) ?? 0) + 1);
    let layersSize = 0;
    const seen = new Set<string>();
    const shared = new Map<string, number>();
    for (const img of engine.images.store.list()) {
      let s = 0;
      for (const l of img.layers) {
        if (!seen.has(l.chainId)) {
          seen.add(l.chainId);
          layersSize += l.size;
        }
        if ((layerUsers.get(l.chainId) ?? 0) > 1) s += l.size;
      }
      shared.set(img.id, s);
    }
    const containerRows = await Promise.all(
      containers.map(async (c) => {
        const rw = await engine.snapshots.usage(c.id).then((u) => u.size, () => 0);
        const img = engine.images.store.get(c.imageId);
        return { ...summarizeContainer(c), SizeRw: rw, SizeRootFs: rw + (img?.layers.reduce((n, l) => n + l.size, 0) ?? 0) };
      }),
    );
    const volumes = await Promise.all(engine.volumes.list().map(async (v) => engine.volumes.view(v, await engine.volumes.usage(v))));
    sendJson(ctx.res!, 200, {
      LayersSize: layersSize,
      Images: images.map((i) => ({ ...i, SharedSize: shared.get(i.Id as string) ?? 0 })),
      Containers: containerRows,
      Volumes: volumes,
      BuildCache: buildCacheUsage(engine),
    });
  });
}
