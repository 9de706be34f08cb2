// The Differ of the overlay snapshotter: an active snapshot's upper dir is its changes, so a layer
// is applied by writing straight into it (no mount) and diffed by reading it (no comparison of
// trees). Files of a remapped store are shifted on the way in and back on the way out.
import type { Readable } from 'node:stream';
import type { IdMap } from '../oci/id-map.js';
import { applyLayer, type ApplyLayerResult } from './apply-layer.js';
import { diffLayer } from './diff-layer.js';
import type { Change, Differ } from './differ.js';
import { overlayChanges } from './overlay-changes.js';
import type { OverlaySnapshotter } from './overlay-snapshotter.js';

export class OverlayDiffer implements Differ {
  constructor(private readonly snapshots: OverlaySnapshotter) {}

  private get idOpts(): { idMap?: IdMap } {
    return this.snapshots.idMap ? { idMap: this.snapshots.idMap } : {};
  }

  async apply(key: string, tar: Readable): Promise<ApplyLayerResult> {
    return applyLayer(tar, await this.snapshots.upperDir(key), this.idOpts);
  }

  async diff(key: string): Promise<Readable> {
    return diffLayer(await this.snapshots.upperDir(key), this.idOpts);
  }

  async changes(key: string): Promise<Change[]> {
    return overlayChanges(await this.snapshots.upperDir(key), await this.snapshots.lowerDirs(key));
  }
}
