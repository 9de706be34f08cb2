// The snapshotter's small interface (containerd's verbs). A snapshot is a filesystem tree: an
// *active* one is writable and becomes *committed* (read-only, usable as a parent) by commit; a
// *view* is a read-only look at a committed one. Snapshots hand out Mounts; they never mount.
// Layers go in and out through the snapshotter's Differ (differ.ts).
import type { IdMap } from '../oci/id-map.js';
import type { Mount } from './mount.js';

export type SnapshotKind = 'active' | 'view' | 'committed';

export interface SnapshotInfo {
  /** Key of an active snapshot or view, name of a committed one. */
  name: string;
  kind: SnapshotKind;
  /** Name of the committed parent, if any. */
  parent?: string;
  labels: Record<string, string>;
  created: Date;
  updated: Date;
}

export interface SnapshotUsage {
  /** Bytes used on disk by this snapshot's own layer (not its parents). */
  size: number;
  inodes: number;
}

export interface SnapshotOptions {
  labels?: Record<string, string>;
}

export interface CommitOptions extends SnapshotOptions {
  /**
   * Re-parents the snapshot at commit (a committed snapshot). An overlay layer's directory does not
   * depend on what lies under it, so layers of an image can be unpacked side by side, each without
   * a parent, and chained when they are committed in order.
   */
  parent?: string;
}

export interface Snapshotter {
  /**
   * Set when the snapshots belong to a user-namespace-remapped daemon: files are stored under the
   * host ids this maps container ids to (layers are applied shifted and diffed back), and every
   * new snapshot's root directory is owned by the mapped root.
   */
  readonly idMap?: IdMap;
  /**
   * Creates an active snapshot `key` over the committed `parent` (none: an empty tree) and returns
   * the mounts that make it. Throws ConflictError when `key` exists, NotFoundError when the
   * parent does not, InvalidArgumentError when the parent is not committed.
   */
  prepare(key: string, parent?: string, opts?: SnapshotOptions): Promise<Mount[]>;
  /** Like prepare, but read-only and never committable. */
  view(key: string, parent?: string, opts?: SnapshotOptions): Promise<Mount[]>;
  /** Turns the active snapshot `key` into the committed snapshot `name` (ConflictError if taken). */
  commit(name: string, key: string, opts?: CommitOptions): Promise<void>;
  /** The mounts of an active snapshot or view. */
  mounts(key: string): Promise<Mount[]>;
  /** Removes a snapshot; ConflictError while other snapshots have it as parent. */
  remove(key: string): Promise<void>;
  stat(key: string): Promise<SnapshotInfo>;
  usage(key: string): Promise<SnapshotUsage>;
  list(): Promise<SnapshotInfo[]>;
}
