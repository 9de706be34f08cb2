// What the builder's parts share: a stage's state between steps, the plan a step's planner makes
// (its cache key parts, history text, how to run it), and the context a planner is given.
import type { ImageService } from '../image/image-service.js';
import type { LayerRecord } from '../image/image-store.js';
import type { Digest } from '../oci/digest.js';
import type { IdMap } from '../oci/id-map.js';
import type { ImageConfig } from '../oci/image-spec.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import type { TreeReader } from './context/tree-reader.js';
import type { StageScope } from './dockerfile/mod.js';
import type { BuildOptions, BuildServiceDeps } from './build-options.js';
import type { CacheMounts } from './cache-mounts.js';
import type { RootfsView } from './rootfs-view.js';
import type { RunNetworks } from './run-networks.js';

/** A stage after its last step so far. */
export interface StageState {
  config: ImageConfig;
  layers: LayerRecord[];
  /** The ID of the result so far (the config's digest), unless nothing happened on scratch yet. */
  id?: Digest;
  /** The base image's record ID (the built image's parent). */
  baseImage?: Digest;
  scope: StageScope;
  /** What the next step's key starts from: the current result's ID (or the empty base). */
  parentKey: string;
}

/** One planned instruction: what its cache key holds and how it runs on a miss. */
export interface StepPlan {
  keyParts: unknown[];
  /** COPY --link: execute makes the layer on nothing (see link-step.ts). */
  link?: boolean;
  createdBy: string;
  /** Runs the step; the layer it made, or undefined for a config-only step. */
  execute(): Promise<LayerRecord | undefined>;
  applyConfig?(c: ImageConfig): void;
  /** Gives back what planning opened (views of other stages, scratch dirs), hit or miss. */
  release?(): Promise<void>;
}

/** What a planner reads and uses: the store, the build's options and scratch dir, its sources. */
export interface StepContext {
  readonly snapshots: Snapshotter;
  readonly images: ImageService;
  readonly options: BuildOptions;
  /** The build's scratch directory. */
  readonly workDir: string;
  /** The id map of a remapped daemon, else undefined. */
  readonly idMap: IdMap | undefined;
  /**
   * The tree COPY --from / RUN --mount from= reads: a stage, a named context, an image, or the
   * context; a view it opens is pushed onto `views` for the caller to release.
   */
  sourceRoot(from: string | undefined, views: RootfsView[]): Promise<string>;
  /** What keys read for `root`: the received context (maybe still in memory), else the directory. */
  treeFor(root: string): string | TreeReader;
  /** Makes sure the context's files are in its directory before a step reads them there. */
  contextOnDisk(): Promise<void>;
}

/** RUN's context besides: the runtime, networks and cache mounts. */
export interface RunContext extends StepContext {
  readonly deps: BuildServiceDeps;
  /** Sandboxes of this build's RUN steps (absent without a network service). */
  readonly networks: RunNetworks | undefined;
  /** RUN --mount=type=cache directories, shared by all builds of the daemon. */
  readonly cacheMounts: CacheMounts;
}
