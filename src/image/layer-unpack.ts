// Unpacking a layer into a committed snapshot named by its chain ID: prepare over the parent chain,
// apply the tar onto it with the Differ, commit. Identical concurrent unpacks are fine:
// the loser of the commit race throws its copy away.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ConflictError, DigestMismatchError, NotFoundError } from '../errors.js';
import { type Digest, digestOf } from '../oci/digest.js';
import type { Differ } from '../snapshot/differ.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';

/** Where layers are unpacked: the snapshots, and the Differ that writes layers into them. */
export interface LayerStorage {
  snapshots: Snapshotter;
  differ: Differ;
}

/** chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln)). */
export function chainIds(diffIds: Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const d of diffIds) out.push(out.length === 0 ? d : digestOf(`${out[out.length - 1]} ${d}`));
  return out;
}

export async function snapshotExists(snapshots: Snapshotter, name: string): Promise<boolean> {
  try {
    await snapshots.stat(name);
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

/**
 * Applies an uncompressed layer tar over `parent` and commits it as `chainId` (computed by the
 * caller from the expected diffID, verified here). Returns the diffID and size.
 */
export async function unpackLayer(
  { snapshots, differ }: LayerStorage,
  tar: Readable,
  parent: Digest | undefined,
  expected?: { diffId: Digest; chainId: Digest },
  /** When given, the layer is applied without waiting for its parent, which must be committed once this resolves. */
  parentReady?: Promise<void>,
): Promise<{ diffId: Digest; chainId: Digest; size: number }> {
  const key = `extract-${randomBytes(8).toString('hex')}`;
  const early = parentReady !== undefined && parent !== undefined;
  await snapshots.prepare(key, early ? undefined : parent, { labels: { 'berth.extracting': 'true' } });
  try {
    const { diffId, size } = await differ.apply(key, tar);
    if (expected && expected.diffId !== diffId) {
      throw new DigestMismatchError(`layer diffID mismatch: expected ${expected.diffId}, got ${diffId}`);
    }
    const chainId = expected?.chainId ?? (parent ? digestOf(`${parent} ${diffId}`) : diffId);
    if (early) await parentReady;
    try {
      await snapshots.commit(chainId, key, early ? { parent } : {});
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      await snapshots.remove(key);
    }
    return { diffId, chainId, size };
  } catch (err) {
    await snapshots.remove(key).catch(() => undefined);
    throw err;
  }
}
