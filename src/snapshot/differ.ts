// The Differ (containerd's): how layers get into snapshots and out of them. It applies a layer tar
// onto an active snapshot and tells what an active snapshot changed over its parent, as a layer
// tar or as a list of paths. Callers name the snapshot by key; where its changes are kept is the
// implementation's business (an overlay upper dir, for the overlay snapshotter).
import type { Readable } from 'node:stream';
import type { ApplyLayerResult } from './apply-layer.js';

export type ChangeKind = 'add' | 'modify' | 'delete';

export interface Change {
  /** Absolute path inside the snapshot (`/etc/hosts`). */
  path: string;
  kind: ChangeKind;
}

export interface Differ {
  /**
   * Applies an uncompressed layer tar onto the active snapshot `key`, hashing it (the diffID) in the
   * same pass. InvalidArgumentError when `key` is not active; UnsafeLayerError for a hostile tar.
   */
  apply(key: string, tar: Readable): Promise<ApplyLayerResult>;
  /** What the active snapshot `key` changed over its parent, as an OCI layer tar (same bytes for the same tree). */
  diff(key: string): Promise<Readable>;
  /** The same changes as paths, sorted, each directory before what it holds (`docker diff`). */
  changes(key: string): Promise<Change[]>;
}
