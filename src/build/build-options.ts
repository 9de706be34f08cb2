// What a build is given and what it returns: the builder's dependencies (fixed for the daemon),
// one build's options, and its result. Types only, so every part of the builder can name them.
import type { Db } from '../db/database.js';
import type { ImageService } from '../image/image-service.js';
import type { Digest } from '../oci/digest.js';
import type { IdMap } from '../oci/id-map.js';
import type { Platform } from '../oci/image-spec.js';
import type { Reference } from '../oci/reference.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import type { TreeReader } from './context/tree-reader.js';
import type { BuildReporter } from './build-progress.js';
import type { StepNetworking } from './run-networks.js';
import type { OciRuntime } from '../runtime/oci-runtime.js';

export interface BuildServiceDeps {
  db: Db;
  images: ImageService;
  snapshots: Snapshotter;
  /** Runs RUN steps (the containers' OCI runtime). */
  runtime: OciRuntime;
  cgroupParent: string;
  /** Where the builder keeps scratch dirs and cache mounts (on the data root's filesystem). */
  stateDir: string;
  /**
   * Networks for RUN steps (absent: RUN uses the host's network unless told none). `attach` puts
   * a step on a network by mode or name, as a container would be.
   */
  network?: StepNetworking;
  /**
   * The daemon's --userns-remap map (absent: the snapshotter's, if its store is remapped): RUN
   * steps run in a user namespace with it, and COPY/ADD and cache mounts write shifted owners.
   */
  userns?: IdMap;
  /** Pulls an image into the store (absent: base images must be present). */
  pull?: (ref: string, report: BuildReporter, auth?: ReadonlyMap<string, unknown>) => Promise<void>;
}

export interface BuildOptions {
  /** The context, as a directory. */
  contextDir: string;
  /**
   * The context as received, when it may still be only in memory: keys are computed from it, and
   * it is written to `contextDir` only when a step that runs needs the files.
   */
  context?: ContextSource;
  dockerfile: string | Uint8Array;
  /** The name messages use (`Dockerfile`). */
  dockerfileName?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  target?: string;
  tags?: Reference[];
  noCache?: boolean;
  /** `--cache-from`: images whose history seeds the cache (and then alone decides it: cache-from.ts). */
  cacheFrom?: string[];
  /** `--add-host name:ip` entries for the /etc/hosts of RUN steps. */
  extraHosts?: string[];
  pull?: boolean;
  /** `--build-context name=dir`: directories COPY --from and FROM can name. */
  buildContexts?: Record<string, string>;
  /** `--secret id=…,src=…`: id → file on the daemon's host. */
  secrets?: Record<string, string>;
  platform?: Platform;
  /**
   * The network of RUN steps without --network (`docker build --network`): default/bridge (the
   * default bridge, as docker's builder), host, none, or a network's name.
   */
  networkMode?: string;
  /** Registry credentials by registry domain, handed to `pull` as they are. */
  registryAuth?: ReadonlyMap<string, unknown>;
  /** Aborting stops the build at the next step (and kills a running RUN). */
  signal?: AbortSignal;
}

/** A context held apart from its directory until a step needs the files there. */
export interface ContextSource {
  reader(): TreeReader;
  materialize(): Promise<void>;
}

export interface BuildResult {
  imageId: Digest;
  tags: string[];
  /** Steps that ran, and steps taken from the cache. */
  executed: number;
  cached: number;
  /** --build-arg names no stage built declares (docker warns about them). */
  unusedBuildArgs: string[];
}

/** The layers a running build holds (ImageService.leaseLayers): rmi and prunes leave them. */
export type LayerLease = ReturnType<ImageService['leaseLayers']>;
