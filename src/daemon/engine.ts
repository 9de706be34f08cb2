// The composition root: builds every service from the daemon config and wires them together.
import { join } from 'node:path';
import { mkdirSync, existsSync } from 'node:fs';
import type { DaemonConfig } from './daemon-config.js';
import { type Db, openDatabase } from '../db/database.js';
import { EventBus } from '../events/event-bus.js';
import type { ContentStore } from '../content/content-store.js';
import { LocalContentStore } from '../content/local-store.js';
import type { Differ } from '../snapshot/differ.js';
import { OverlayDiffer } from '../snapshot/overlay-differ.js';
import { OverlaySnapshotter } from '../snapshot/overlay-snapshotter.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import { ImageStore } from '../image/image-store.js';
import { ImageService } from '../image/image-service.js';
import { ContainerStore } from '../container/container-record.js';
import { ContainerService } from '../container/container-service.js';
import { ContainerPaths } from '../container/container-paths.js';
import { ExecService } from '../container/exec-service.js';
import { RestartManager } from '../container/restart-manager.js';
import { HealthMonitor } from '../container/health-monitor.js';
import { type LxcfsHandle, startLxcfs } from '../container/lxcfs-process.js';
import { VolumeService } from '../volume/volume-service.js';
import { ConmonRuntime } from '../runtime/conmon-runtime.js';
import { RegistryHosts } from '../registry/client/registry-hosts.js';
import type { Digest } from '../oci/digest.js';
import { findExecutable } from '../fsutil/find-executable.js';
import { NetworkService } from '../network/network-service.js';
import { networkingFor } from './container-networking.js';
import { InvalidArgumentError } from '../errors.js';
import { resolveUsernsRemap, type UsernsRemap } from '../runtime/user/userns-remap.js';
import { prepareRemappedRoot } from './remapped-root.js';
import { BuildService } from '../build/build-service.js';
import { buildNetworkingFor, buildPullFor } from './build-wiring.js';
import { PodService } from '../pod/pod-service.js';

export interface Engine {
  config: DaemonConfig;
  db: Db;
  events: EventBus;
  content: ContentStore;
  snapshots: Snapshotter;
  /** Writes layers into `snapshots` and diffs them out. */
  differ: Differ;
  images: ImageService;
  containers: ContainerService;
  execs: ExecService;
  restarts: RestartManager;
  health: HealthMonitor;
  /** lxcfs serving the containers' /proc files, when it runs. */
  lxcfs?: LxcfsHandle;
  volumes: VolumeService;
  registryHosts: RegistryHosts;
  networks: NetworkService;
  /** Pods: infra containers and their members (docs/pods.md). */
  pods: PodService;
  /** The Dockerfile builder; its cache tables live in `db`. */
  builds: BuildService;
  /** --userns-remap in force (config.dataRoot is then the remapped store, as docker's root dir is). */
  userns?: UsernsRemap;
  startedAt: Date;
  close(): Promise<void>;
}

/** The first of these that exists is tini for `--init`. */
const INIT_CANDIDATES = ['/usr/bin/tini-static', '/usr/bin/tini'];

export async function createEngine(settings: DaemonConfig): Promise<Engine> {
  mkdirSync(settings.dataRoot, { recursive: true, mode: 0o711 });
  mkdirSync(settings.execRoot, { recursive: true, mode: 0o711 });
  const userns = await resolveUsernsRemap(settings.usernsRemap, {}, (m) => console.error(`berthd: ${m}`));
  const config: DaemonConfig = userns
    ? { ...settings, dataRoot: prepareRemappedRoot(settings.dataRoot, settings.execRoot, userns), usernsRemap: `${userns.user}:${userns.group}` }
    : settings;
  const idMap = userns?.idMap;
  const db = openDatabase(join(config.dataRoot, 'berth.db'));
  const events = new EventBus();
  const content = await new LocalContentStore(join(config.dataRoot, 'content')).init();
  await content.cleanStaleIngests(24 * 3600 * 1000);
  const snapshots = new OverlaySnapshotter(db, join(config.dataRoot, 'snapshots'), idMap ? { idMap } : {});
  await snapshots.cleanup();
  const differ = new OverlayDiffer(snapshots);
  const imageStore = new ImageStore(db);
  let containers: ContainerService | undefined;
  const registryHosts = new RegistryHosts({ insecureRegistries: config.insecureRegistries, mirrors: config.registryMirrors });
  const images = new ImageService({
    store: imageStore,
    content,
    snapshots,
    differ,
    events,
    registryHosts,
    tmpDir: join(config.dataRoot, 'tmp'),
    imageInUse: (id: Digest) => containers?.imageUser(id),
  });
  const paths = new ContainerPaths({ dataRoot: config.dataRoot, execRoot: config.execRoot });
  const runtimeBinary = findExecutable(config.runtime);
  if (!runtimeBinary) throw new InvalidArgumentError(`OCI runtime ${config.runtime} not found in PATH`);
  const conmonBinary = findExecutable(config.conmon);
  if (!conmonBinary) throw new InvalidArgumentError(`conmon not found in PATH (install Debian's conmon package)`);
  const runtime = new ConmonRuntime({ runtimeBinary, runtimeRoot: paths.runtimeRoot, conmonBinary, socketDir: paths.socketDir });
  const initPath = INIT_CANDIDATES.find((p) => existsSync(p));
  const volumes = new VolumeService({ db, root: join(config.dataRoot, 'volumes'), events, findContainer: (x) => containers?.find(x), ...(userns ? { rootOwner: userns.root } : {}) });
  await volumes.init();
  const networks = new NetworkService({
    db,
    events,
    runDir: join(config.execRoot, 'net'),
    defaultBridgeName: config.bridgeName,
    ...(config.bridgeSubnet ? { defaultSubnet: config.bridgeSubnet } : {}),
    bridgePrefix: config.bridgePrefix,
    chainPrefix: config.chainPrefix,
    ...(config.addressPools.length ? { addressPools: config.addressPools } : {}),
    ...(idMap ? { userns: idMap } : {}),
  });
  await networks.init();
  // BERTH_LXCFS=0 keeps berthd from starting lxcfs (HostConfig.Lxcfs=false does it per container).
  const lxcfs = /^(0|false|no)$/i.test(process.env.BERTH_LXCFS ?? '') ? undefined : await startLxcfs(config.execRoot, { log: (m) => console.error(`berthd: ${m}`) });
  containers = new ContainerService({
    store: new ContainerStore(db),
    images,
    snapshots,
    runtime,
    events,
    paths,
    volumes,
    networking: networkingFor(networks, () => containers!),
    cgroupParent: config.cgroupParent,
    ...(userns ? { userns: { idMap: userns.idMap, root: userns.root } } : {}),
    ...(initPath ? { initPath } : {}),
    ...(lxcfs ? { lxcfsMountPoint: lxcfs.mountPoint } : {}),
  });
  const logLine = (m: string): void => console.error(`berthd: ${m}`);
  // Volume unmount events and driver-mounted volumes released when a container's run ends.
  containers.hooks.push({ exited: (c) => void volumes.exited(c).catch(() => undefined) });
  const restarts = new RestartManager(containers, logLine);
  const health = new HealthMonitor(containers, logLine);
  restarts.prepareRecovery();
  await containers.init();
  const pods = new PodService({ db, containers, images, hasInit: initPath !== undefined });
  pods.init();
  await networks.reconcile(containers.store.list().filter((c) => containers!.isRunning(c)).map((c) => c.id));
  const execs = new ExecService(containers, runtime, paths);
  await restarts.startOnDaemonStart();
  health.resume();
  const builds = new BuildService({
    db,
    images,
    snapshots,
    runtime,
    cgroupParent: config.cgroupParent,
    stateDir: join(config.dataRoot, 'build'),
    network: buildNetworkingFor(networks),
    pull: buildPullFor(images),
  });
  return {
    config,
    db,
    events,
    content,
    snapshots,
    differ,
    images,
    containers,
    execs,
    restarts,
    health,
    ...(lxcfs ? { lxcfs } : {}),
    volumes,
    registryHosts,
    networks,
    pods,
    builds,
    ...(userns ? { userns } : {}),
    startedAt: new Date(),
    async close() {
      restarts.close();
      health.close();
      containers?.shutdown();
      await lxcfs?.stop(containers?.store.list().some((c) => c.state.Status === 'running' || c.state.Status === 'paused') ?? false);
      await networks.close();
      db.close();
    },
  };
}
