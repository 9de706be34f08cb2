// A step that writes files (COPY/ADD, WORKDIR's directory): a snapshot prepared over the parent
// chain, mounted read-write, written, committed as a layer, and removed again whatever happens.
import { randomBytes } from 'node:crypto';
import { commitSnapshotLayer } from '../image/commit-layer.js';
import type { LayerRecord } from '../image/image-store.js';
import type { Digest } from '../oci/digest.js';
import { mountActive } from './rootfs-view.js';
import type { StepContext } from './step-context.js';

/** The layer `write` makes over `parent` (`purpose` names the snapshot: a crashed build's are found by it). */
export async function commitChange(
  ctx: Pick<StepContext, 'snapshots' | 'images' | 'workDir'>,
  purpose: 'copy' | 'workdir',
  parent: Digest | undefined,
  write: (root: string) => Promise<unknown>,
): Promise<LayerRecord> {
  const key = `build-${purpose}-${randomBytes(12).toString('hex')}`;
  await ctx.snapshots.prepare(key, parent, { labels: { 'berth.build': purpose } });
  try {
    const root = await mountActive(ctx.snapshots, ctx.workDir, key);
    try {
      await write(root.path);
    } finally {
      await root.release();
    }
    return await commitSnapshotLayer(ctx.images, key, parent);
  } finally {
    await ctx.snapshots.remove(key).catch(() => undefined);
  }
}
