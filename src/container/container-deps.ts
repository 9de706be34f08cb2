// What the container service is built over: the record store, images, snapshots, the OCI runtime,
// and (optional) networking and volumes — interfaces, so tests can give fakes and need no root.
import type { EventBus } from '../events/event-bus.js';
import type { ImageService } from '../image/image-service.js';
import type { EndpointSettings } from '../network/api-types.js';
import type { IdMap } from '../oci/id-map.js';
import type { OciRuntime } from '../runtime/oci-runtime.js';
import type { SpecMount } from '../runtime/spec/spec-input.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import type { ContainerPaths } from './container-paths.js';
import type { ApiConfig, ApiHostConfig, ContainerRecord, ContainerStore } from './container-record.js';

/** A network as the container service sees it. */
export interface NetworkRef {
  id: string;
  name: string;
}

export interface NetworkChange extends NetworkRef {
  settings?: Record<string, unknown>;
}

/** What the network service does for a container (optional until networking is wired). */
export interface ContainerNetworking {
  attach(c: ContainerRecord, filesDir: string): Promise<{ netns?: { path?: string; userns?: string } | 'host'; mounts: SpecMount[]; settings?: Record<string, unknown> }>;
  detach(c: ContainerRecord): Promise<void>;
  /** The network an ID, name or prefix names (NotFoundError when none). */
  network(ref: string): NetworkRef;
  /** Joins a network: at once when the container runs, else only checked (made at its next start).
   *  For a running container, also its NetworkSettings after the change (`ps --filter network=` reads them). */
  connect(c: ContainerRecord, network: string, cfg: EndpointSettings | null, running: boolean): Promise<NetworkChange>;
  /** Leaves a network: at once when the container runs, else only checked. */
  disconnect(c: ContainerRecord, network: string, running: boolean, force: boolean): Promise<NetworkChange>;
}

/** What the volume service does for a container (optional until volumes are wired). */
export interface ContainerVolumes {
  mountsFor(c: ContainerRecord, rootfs: string): Promise<{ mounts: SpecMount[]; inspect: Array<Record<string, unknown>> }>;
  release?(c: ContainerRecord, removeAnonymous: boolean): Promise<void>;
  /** At create: plans the mounts (makes the volumes they name) and returns inspect's Mounts. */
  prepare?(c: ContainerRecord): Promise<Array<Record<string, unknown>>>;
}

/**
 * Lifecycle hooks (restart policy, health checks): called synchronously inside the container's lock
 * with the record just written. `exited` may return 'restart' to keep the container in
 * 'restarting' (the hook then starts it again) — its changes to the record are saved with the exit.
 */
export interface ContainerHooks {
  started?(c: ContainerRecord): void;
  exited?(c: ContainerRecord): 'restart' | void;
  removed?(c: ContainerRecord): void;
}

export interface ContainerServiceDeps {
  store: ContainerStore;
  images: ImageService;
  snapshots: Snapshotter;
  runtime: OciRuntime;
  events: EventBus;
  paths: ContainerPaths;
  networking?: ContainerNetworking;
  volumes?: ContainerVolumes;
  initPath?: string;
  lxcfsMountPoint?: string;
  cgroupParent: string;
  /** The daemon remaps ids (--userns-remap): containers get this mapping; files made for them are the mapped root's. */
  userns?: { idMap: IdMap; root: { uid: number; gid: number } };
}

export interface CreateRequest extends ApiConfig {
  HostConfig?: ApiHostConfig;
  NetworkingConfig?: Record<string, unknown>;
}
