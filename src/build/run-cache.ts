// The build cache as one build uses it: every layer a hit names is leased to the build at once,
// a hit whose layers are gone meanwhile (pruned by `rmi`'s layer GC) counts as a miss and is
// dropped, and the uses are counted in one transaction when the build ends.
import type { ImageService } from '../image/image-service.js';
import { snapshotExists } from '../image/layer-unpack.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import type { BuildCache, StepResult } from './build-cache.js';
import type { LayerLease } from './build-options.js';
import { topChain } from './step-result.js';

export type LinkedLayer = NonNullable<StepResult['link']>;

export class RunCache {
  /** Entries this build used, counted once it ends. */
  private readonly hitKeys: string[] = [];

  constructor(
    private readonly cache: BuildCache,
    private readonly lease: LayerLease,
    private readonly snapshots: Snapshotter,
    private readonly images: ImageService,
  ) {}

  /** A cached result whose layers are all still there (and now leased for the build). */
  async lookup(key: string): Promise<StepResult | undefined> {
    const hit = this.cache.lookup(key, () => true);
    if (!hit) return undefined;
    this.lease.add(hit.layers.map((l) => l.chainId));
    this.hitKeys.push(key);
    const top = topChain(hit.layers);
    if (top && !(await snapshotExists(this.snapshots, top))) {
      this.cache.delete([key]);
      return undefined;
    }
    return hit;
  }

  /** A cached COPY --link layer whose blob is still stored (its layer leased for the build). */
  async lookupLink(key: string): Promise<LinkedLayer | undefined> {
    const link = this.cache.lookup(key, () => true)?.link;
    if (!link) return undefined;
    this.lease.add([link.layer.chainId]);
    const blob = link.layer.blob;
    if (!blob || !(await this.images.deps.content.info(blob.digest))) {
      this.cache.delete([key]);
      return undefined;
    }
    this.hitKeys.push(key);
    return link;
  }

  record(key: string, result: StepResult, description: string): void {
    this.cache.record(key, result, description);
  }

  /** Counts this build's uses of its hits (at its end, failed or not). */
  countUses(): void {
    this.cache.touch(this.hitKeys);
  }
}
