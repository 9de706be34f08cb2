// A step's result made from the stage state before it: the config cloned, one history entry added
// (and `created` set to its time), the layer it made appended to rootfs and the layer list. The
// result's ID is the config's digest, as the image ID would be.
import type { LayerRecord } from '../image/image-store.js';
import { type Digest, digestOf } from '../oci/digest.js';
import type { HistoryEntry, ImageConfig } from '../oci/image-spec.js';
import type { StepResult } from './build-cache.js';
import type { StageState } from './step-context.js';

/** History's comment on every step, as BuildKit writes it. */
export const HISTORY_COMMENT = 'buildkit.dockerfile.v0';

/** The top layer's chain ID (undefined for no layers). */
export function topChain(layers: readonly LayerRecord[]): Digest | undefined {
  return layers[layers.length - 1]?.chainId;
}

/** A history entry of a step done now (`empty_layer` when it made no layer). */
export function historyNow(createdBy: string, madeLayer: boolean): HistoryEntry {
  return { created: new Date().toISOString(), created_by: createdBy, comment: HISTORY_COMMENT, ...(madeLayer ? {} : { empty_layer: true }) };
}

/** The result after a step over `before` that wrote `history`, made `layer` and changed the config by `applyConfig`. */
export function resultAfter(
  before: { config: ImageConfig; layers: readonly LayerRecord[] },
  history: HistoryEntry,
  layer?: LayerRecord,
  applyConfig?: (c: ImageConfig) => void,
): StepResult {
  // The order of the assignments is the order of the config's keys, so part of its digest.
  const config: ImageConfig = structuredClone(before.config);
  config.config ??= {};
  applyConfig?.(config);
  config.history = [...(config.history ?? []), history];
  config.created = history.created!;
  if (layer) config.rootfs = { type: 'layers', diff_ids: [...config.rootfs.diff_ids, layer.diffId] };
  return { id: digestOf(JSON.stringify(config)), config, layers: layer ? [...before.layers, layer] : [...before.layers] };
}

/** The stage state after a step: its result, the same base image and scope, the next key's parent. */
export function advance(state: StageState, result: StepResult): StageState {
  return {
    config: result.config,
    layers: result.layers,
    id: result.id,
    ...(state.baseImage ? { baseImage: state.baseImage } : {}),
    scope: state.scope,
    parentKey: result.id,
  };
}
