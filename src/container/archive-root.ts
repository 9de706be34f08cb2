// A container's filesystem as its processes see it, for cp, export and commit: a running
// container's through /proc/<pid>/root (its volumes included), a stopped one's by mounting its
// snapshot (and, when asked, its volumes and binds) on a scratch directory for the time of the job.
import { randomBytes } from 'node:crypto';
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveInRoot } from '../fsutil/resolve-in-root.js';
import { mountAll, unmount } from '../snapshot/mount.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerPaths } from './container-paths.js';

export interface HostMountSource {
  hostMounts(containerId: string): Promise<Array<{ destination: string; source: string; rw: boolean }>>;
}

export interface ContainerRootDeps {
  snapshots: Snapshotter;
  paths: ContainerPaths;
  volumes?: HostMountSource;
}

export interface ContainerRoot {
  /** The host path of the container's `/`. */
  path: string;
  release(): Promise<void>;
}

function running(c: ContainerRecord): boolean {
  return (c.state.Status === 'running' || c.state.Status === 'paused') && c.state.Pid > 0;
}

/**
 * The container's root. `withVolumes`: include volumes and binds (cp does, export does not).
 * Call release() when done (a no-op for a running container).
 */
export async function openContainerRoot(deps: ContainerRootDeps, c: ContainerRecord, o: { withVolumes: boolean }): Promise<ContainerRoot> {
  if (running(c)) {
    if (o.withVolumes) return { path: `/proc/${c.state.Pid}/root`, release: async () => undefined };
    // The host side of the rootfs mount: the overlay alone, without the mounts made inside.
    return { path: deps.paths.rootfs(c.id), release: async () => undefined };
  }
  const dir = join(deps.paths.dataDir(c.id), `.root-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  const stacked: string[] = [];
  const release = async (): Promise<void> => {
    for (const t of stacked.reverse()) await unmount(t, { lazy: true }).catch(() => undefined);
    await rmdir(dir).catch(() => undefined);
  };
  try {
    await mountAll(await deps.snapshots.mounts(c.id), dir);
    stacked.push(dir);
    if (o.withVolumes && deps.volumes) {
      for (const m of await deps.volumes.hostMounts(c.id)) {
        const target = await resolveInRoot(dir, m.destination);
        const st = await stat(m.source).catch(() => undefined);
        if (!st) continue;
        const tst = await stat(target).catch(() => undefined);
        if (!tst) {
          // Like runc, make the mount point (only ever inside the root: target was resolved in it).
          if (st.isDirectory()) await mkdir(target, { recursive: true });
          else continue;
        }
        await mountAll([{ type: 'bind', source: m.source, options: ['rbind', ...(m.rw ? [] : ['ro'])] }], target);
        stacked.push(target);
      }
    }
  } catch (err) {
    await release();
    throw err;
  }
  return { path: dir, release };
}
