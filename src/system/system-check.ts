// `berth system check [--repair]`: finds what a crash (of berthd, of a conmon, of the machine) can
// leave behind that nothing owns, and with repair removes it. Runs are repaired before their
// states, mounts and cgroups, and those before the stores, so what a repair frees is seen free.
import type { BuildService } from '../build/build-service.js';
import type { ContainerService } from '../container/container-service.js';
import type { ContentStore } from '../content/content-store.js';
import type { ImageService } from '../image/image-service.js';
import type { NetworkService } from '../network/network-service.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import { checkBlobs, checkSnapshots, type StorageRefs } from './check-storage.js';
import { checkCgroups, checkContainers, checkMounts, checkRuntimeStates } from './check-runtime.js';
import { checkNetwork } from './check-network.js';
import type { CheckClock, Finding } from './check-finding.js';

export type { Finding, FindingKind } from './check-finding.js';

export interface SystemCheckDeps {
  content: ContentStore;
  snapshots: Snapshotter;
  images: ImageService;
  containers: ContainerService;
  networks: NetworkService;
  builds: BuildService;
  config: { dataRoot: string; execRoot: string; cgroupParent: string; bridgePrefix: string };
  startedAt: Date;
}

export interface SystemCheckReport {
  repair: boolean;
  findings: Finding[];
}

/** What a job started in the last ten minutes of this daemon may still be making. */
const IN_FLIGHT_GRACE_MS = 10 * 60 * 1000;

function storageRefs(d: SystemCheckDeps): StorageRefs {
  const entries = d.builds.cache.list();
  return {
    images: d.images.records(),
    cachedLayers: entries.flatMap((e) => [...e.result.layers, ...(e.result.link ? [e.result.link.layer] : [])]),
    cachedConfigs: entries.map((e) => e.result.id),
    containerIds: d.containers.store.list().map((c) => c.id),
  };
}

export async function systemCheck(d: SystemCheckDeps, o: { repair: boolean; graceMs?: number }): Promise<SystemCheckReport> {
  const clock: CheckClock = { startedAt: d.startedAt, graceMs: o.graceMs ?? IN_FLIGHT_GRACE_MS };
  const rt = { containers: d.containers, dataRoot: d.config.dataRoot, execRoot: d.config.execRoot, cgroupParent: d.config.cgroupParent };
  const findings: Finding[] = [];
  findings.push(...(await checkContainers(rt, o.repair)));
  findings.push(...(await checkRuntimeStates(rt, clock, o.repair)));
  findings.push(...(await checkMounts(rt, clock, o.repair)));
  findings.push(...(await checkCgroups(rt, clock, o.repair)));
  findings.push(...(await checkNetwork({ containers: d.containers, networks: d.networks, bridgePrefix: d.config.bridgePrefix }, o.repair)));
  // Snapshots before blobs: both read the references as they are after the runs were repaired.
  const refs = storageRefs(d);
  findings.push(...(await checkSnapshots(d.snapshots, refs, clock, o.repair)));
  findings.push(...(await checkBlobs(d.content, refs, clock, o.repair)));
  return { repair: o.repair, findings };
}
