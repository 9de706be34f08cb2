// A planned step's result, through the build cache: a hit is reused as it is (so an unchanged
// rebuild gives the same image ID), a miss is executed and recorded under the step's key.
// COPY --link: the files go into a layer of their own, made on nothing, so its cache entry is
// keyed without the parent and survives a change of the base; the layer is then put over the
// current parent (applied from its stored blob where that chain does not exist yet).
import { InvalidArgumentError } from '../errors.js';
import type { ImageService } from '../image/image-service.js';
import type { LayerRecord } from '../image/image-store.js';
import { snapshotExists, unpackLayer } from '../image/layer-unpack.js';
import { type Digest, digestOf } from '../oci/digest.js';
import type { ImageConfig, Platform } from '../oci/image-spec.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import type { StepResult } from './build-cache.js';
import type { CacheFromSources } from './cache-from.js';
import type { LayerLease } from './build-options.js';
import { cacheKey } from './cache-key.js';
import { scratchConfig } from './plan-from.js';
import type { RunCache } from './run-cache.js';
import type { StageState, StepPlan } from './step-context.js';
import { historyNow, resultAfter, topChain } from './step-result.js';

export interface StepCacheEnv {
  cache: RunCache;
  lease: LayerLease;
  snapshots: Snapshotter;
  images: ImageService;
  noCache: boolean;
  /** COPY --link: the platform of the layer's own cache entry (a scratch config). */
  platform: Platform;
  /** `cachefrom`: the images that decide what is cached (cache-from.ts). */
  cacheFrom?: CacheFromSources;
}

/** The step's result over `state`, and whether it came from the cache. */
export async function cachedStep(env: StepCacheEnv, state: StageState, plan: StepPlan, text: string): Promise<{ result: StepResult; cached: boolean }> {
  if (plan.link) return linkedStep(env, state, plan, text);
  const key = cacheKey(state.parentKey, plan.keyParts);
  if (!env.noCache) {
    const local = await env.cache.lookup(key);
    const hit = local && (!env.cacheFrom || env.cacheFrom.acceptLocal(local)) ? local : env.cacheFrom?.match(state, plan.createdBy, plan.applyConfig);
    if (hit) {
      if (hit !== local) {
        env.lease.add(hit.layers.map((l) => l.chainId));
        env.cache.record(key, hit, text);
      }
      await plan.release?.();
      return { result: hit, cached: true };
    }
  }
  let layer: LayerRecord | undefined;
  try {
    layer = await plan.execute();
  } finally {
    await plan.release?.();
  }
  const result = resultAfter(state, historyNow(plan.createdBy, layer !== undefined), layer, plan.applyConfig);
  if (layer) env.lease.add([layer.chainId]);
  env.cache.record(key, result, text);
  return { result, cached: false };
}

async function linkedStep(env: StepCacheEnv, state: StageState, plan: StepPlan, text: string): Promise<{ result: StepResult; cached: boolean }> {
  const key = cacheKey('link', plan.keyParts);
  let link = env.noCache ? undefined : await env.cache.lookupLink(key);
  const cached = link !== undefined;
  if (link) await plan.release?.();
  else {
    let layer: LayerRecord | undefined;
    try {
      layer = await plan.execute();
    } finally {
      await plan.release?.();
    }
    if (!layer) throw new InvalidArgumentError('COPY --link made no layer');
    env.lease.add([layer.chainId]);
    link = { layer, history: historyNow(plan.createdBy, true) };
    const alone: ImageConfig = { ...scratchConfig(env.platform), history: [link.history], rootfs: { type: 'layers', diff_ids: [layer.diffId] } };
    env.cache.record(key, { id: digestOf(JSON.stringify(alone)), config: alone, layers: [layer], link }, text);
  }
  const top = await layerOver(env, link.layer, topChain(state.layers));
  return { result: resultAfter(state, link.history, top), cached };
}

/** `layer` (made on nothing) over the chain `parent`: its snapshot, applied from the blob if absent. */
async function layerOver(env: StepCacheEnv, layer: LayerRecord, parent: Digest | undefined): Promise<LayerRecord> {
  const chainId = parent ? digestOf(`${parent} ${layer.diffId}`) : layer.diffId;
  env.lease.add([chainId]);
  if (await snapshotExists(env.snapshots, chainId)) return { ...layer, chainId };
  const unpacked = await unpackLayer(env.images.deps, env.images.deps.content.reader(layer.blob!.digest), parent, { diffId: layer.diffId, chainId });
  return { ...layer, chainId: unpacked.chainId };
}
