// `cachefrom` (docker build --cache-from) with the classic builder's semantics: once source images
// are named, a step is cached only through them. A step whose parent's history and layers begin
// the source's, and whose `created_by` is the source's next history entry, takes that entry (and
// the layer it made) from the source, so an image loaded or pulled elsewhere seeds the cache. A
// hit of the local cache still counts when its result is part of a source's history. After the
// first step matched through a source, only that source is followed (docker does the same).
import type { ImageRecord, LayerRecord } from '../image/image-store.js';
import type { HistoryEntry, ImageConfig } from '../oci/image-spec.js';
import type { StepResult } from './build-cache.js';
import { resultAfter } from './step-result.js';

type Source = Pick<ImageRecord, 'id' | 'config' | 'layers'>;
type Parent = { config: ImageConfig; layers: readonly LayerRecord[] };

export class CacheFromSources {
  constructor(private sources: readonly Source[]) {}

  /** The local cache's hit, kept only when a source descends from it. */
  acceptLocal(hit: StepResult): boolean {
    return this.sources.some((s) => s.id === hit.id || descendsFrom(s.config, hit.config));
  }

  /** The step's result taken from a source, or undefined when no source has it. */
  match(parent: Parent, createdBy: string, applyConfig?: (c: ImageConfig) => void): StepResult | undefined {
    const n = parent.config.history?.length ?? 0;
    for (const s of this.sources) {
      const entry = s.config.history?.[n];
      if (!entry || entry.created_by !== createdBy || !descendsFrom(s.config, parent.config)) continue;
      this.sources = [s];
      if (n === s.config.history!.length - 1) return { id: s.id, config: s.config, layers: s.layers };
      const layer = entry.empty_layer ? undefined : s.layers[parent.layers.length];
      return resultAfter(parent, entry, layer, applyConfig);
    }
    return undefined;
  }
}

/** Whether `img`'s history and layers begin with all of `parent`'s (and it has more history). */
function descendsFrom(img: ImageConfig, parent: ImageConfig): boolean {
  const h = img.history ?? [];
  const ph = parent.history ?? [];
  if (h.length === 0) return false;
  if (ph.length === 0 && parent.rootfs.diff_ids.length === 0) return true;
  if (ph.length >= h.length || parent.rootfs.diff_ids.length > img.rootfs.diff_ids.length) return false;
  return ph.every((e, i) => sameEntry(e, h[i]!)) && parent.rootfs.diff_ids.every((d, i) => d === img.rootfs.diff_ids[i]);
}

function sameEntry(a: HistoryEntry, b: HistoryEntry): boolean {
  return a.created === b.created && a.created_by === b.created_by && a.author === b.author && a.comment === b.comment && Boolean(a.empty_layer) === Boolean(b.empty_layer);
}
