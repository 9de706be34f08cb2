// The end of a build: the target stage's result stored as an image record with the build's
// labels, and tagged. A rebuild that ends where the last one did finds its image stored already.
import type { ImageService } from '../image/image-service.js';
import type { ImageRecord, LayerRecord } from '../image/image-store.js';
import { digestOf } from '../oci/digest.js';
import type { ImageConfig } from '../oci/image-spec.js';
import { type Reference, familiarString, withDefaultTag } from '../oci/reference.js';
import type { StageState } from './step-context.js';

function sameLayers(a: readonly LayerRecord[], b: readonly LayerRecord[]): boolean {
  return a.length === b.length && a.every((l, i) => l.chainId === b[i]!.chainId && l.diffId === b[i]!.diffId);
}

/** The final config: the target's, with the build's labels; its `created` stays the last step's. */
export function finalConfig(target: StageState, labels: Record<string, string>): ImageConfig {
  const config: ImageConfig = structuredClone(target.config);
  if (Object.keys(labels).length > 0) config.config = { ...(config.config ?? {}), Labels: { ...(config.config?.Labels ?? {}), ...labels } };
  config.created ??= new Date(0).toISOString();
  return config;
}

/** Stores the image (unless it is already) and applies the tags; the image and the tags as docker names them. */
export async function storeFinalImage(images: ImageService, target: StageState, labels: Record<string, string>, tags: readonly Reference[]): Promise<{ image: ImageRecord; tags: string[] }> {
  const config = finalConfig(target, labels);
  const known = images.store.get(digestOf(JSON.stringify(config)));
  const image = known && known.parent === target.baseImage && sameLayers(known.layers, target.layers)
    ? known
    : await images.commitImage({ config, layers: target.layers, ...(target.baseImage ? { parent: target.baseImage } : {}) });
  const named: string[] = [];
  for (const t of tags) {
    images.tagImage(image.id, t);
    named.push(familiarString(withDefaultTag(t)));
  }
  return { image, tags: named };
}
