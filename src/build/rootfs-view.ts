// A read-only look at a committed layer chain (another stage's result, an image named by
// COPY --from or a bind mount's source), mounted for as long as a callback runs.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../oci/digest.js';
import { mountAll, unmount } from '../snapshot/mount.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';

export interface RootfsView {
  path: string;
  release(): Promise<void>;
}

/** Mounts the chain `top` read-only under `workDir` (an empty directory for no layers). */
export async function openRootfsView(snapshots: Snapshotter, workDir: string, top: Digest | undefined): Promise<RootfsView> {
  const key = `build-view-${randomBytes(12).toString('hex')}`;
  const path = join(workDir, key);
  await mkdir(path, { recursive: true });
  if (top === undefined) return { path, release: () => rm(path, { recursive: true, force: true }) };
  await snapshots.view(key, top, { labels: { 'berth.build': 'view' } });
  try {
    await mountAll(await snapshots.mounts(key), path);
  } catch (err) {
    await snapshots.remove(key).catch(() => undefined);
    await rm(path, { recursive: true, force: true });
    throw err;
  }
  return {
    path,
    async release() {
      await unmount(path, { lazy: true }).catch(() => undefined);
      await snapshots.remove(key).catch(() => undefined);
      await rm(path, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/** Mounts the active snapshot `key` read-write under `workDir`; release unmounts only. */
export async function mountActive(snapshots: Snapshotter, workDir: string, key: string): Promise<RootfsView> {
  const path = join(workDir, `${key}-rootfs`);
  await mkdir(path, { recursive: true });
  await mountAll(await snapshots.mounts(key), path);
  return {
    path,
    async release() {
      await unmount(path);
      await rm(path, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
