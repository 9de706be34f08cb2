// The image FROM, COPY --from or RUN --mount from= names: the local one, or pulled when missing
// (always with --pull), its layers leased to the build at once.
import { NotFoundError } from '../errors.js';
import type { ImageRecord } from '../image/image-store.js';
import { snapshotExists } from '../image/layer-unpack.js';
import type { BuildServiceDeps, LayerLease } from './build-options.js';
import type { BuildReporter } from './build-progress.js';
import { topChain } from './step-result.js';

export interface BaseImageOptions {
  forcePull: boolean;
  lease: LayerLease;
  report: BuildReporter;
  registryAuth?: ReadonlyMap<string, unknown>;
}

export async function baseImage(deps: Pick<BuildServiceDeps, 'images' | 'snapshots' | 'pull'>, ref: string, o: BaseImageOptions): Promise<ImageRecord> {
  const img = await findImage(deps, ref, o);
  o.lease.add(img.layers.map((l) => l.chainId));
  // Removed between the lookup and the lease: its layers may be gone.
  const top = topChain(img.layers);
  if (top && !(await snapshotExists(deps.snapshots, top))) throw new NotFoundError(`No such image: ${ref}`);
  return img;
}

async function findImage(deps: Pick<BuildServiceDeps, 'images' | 'pull'>, ref: string, o: BaseImageOptions): Promise<ImageRecord> {
  const local = deps.images.store.find(ref)?.image;
  if (local && !(o.forcePull && deps.pull)) return local;
  if (!deps.pull) {
    if (local) return local;
    throw new NotFoundError(`pull access denied for ${ref}, repository does not exist or may require 'docker login'`);
  }
  await deps.pull(ref, o.report, o.registryAuth);
  const pulled = deps.images.store.find(ref)?.image;
  if (!pulled) throw new NotFoundError(`No such image: ${ref}`);
  return pulled;
}
