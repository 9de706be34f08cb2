// The LayerSink a pull unpacks into: each layer becomes the committed snapshot named by its chain
// ID. Layers are applied side by side as they download (an overlay layer does not depend on the
// ones below it) and committed in order, each onto its parent.
import type { Readable } from 'node:stream';
import type { Digest } from '../oci/digest.js';
import type { Descriptor } from '../oci/image-spec.js';
import type { LayerSink } from '../registry/client/layer-sink.js';
import { chainIds, type LayerStorage, snapshotExists, unpackLayer } from './layer-unpack.js';

export class SnapshotLayerSink implements LayerSink {
  /** applyLayer hashes the tar it reads; the puller need not hash it again. */
  readonly verifiesDiffId = true;
  private diffIds: Digest[] = [];
  private chains: Digest[] = [];
  private done: Array<Promise<void>> = [];
  private resolvers: Array<() => void> = [];
  private rejecters: Array<(err: Error) => void> = [];
  readonly sizes = new Map<Digest, number>();

  constructor(private readonly layers: LayerStorage) {}

  begin(diffIds: Digest[]): void {
    this.diffIds = diffIds;
    this.chains = chainIds(diffIds);
    this.done = diffIds.map(
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          this.resolvers[i] = resolve;
          this.rejecters[i] = reject;
        }),
    );
    // A failed layer fails the ones above it; nobody else may be listening.
    for (const d of this.done) d.catch(() => undefined);
  }

  private indexOf(diffId: Digest): number {
    return this.diffIds.indexOf(diffId);
  }

  async has(diffId: Digest): Promise<boolean> {
    const i = this.indexOf(diffId);
    if (i === -1) return false;
    const ok = await snapshotExists(this.layers.snapshots, this.chains[i]!);
    if (ok) this.resolvers[i]?.();
    return ok;
  }

  async unpack(_desc: Descriptor, diffId: Digest, uncompressed: Readable): Promise<void> {
    const i = this.indexOf(diffId);
    if (i === -1) throw new Error(`layer ${diffId} is not in the image config`);
    const chainId = this.chains[i]!;
    try {
      await this.unpackAt(i, chainId, diffId, uncompressed);
    } catch (err) {
      this.rejecters[i]?.(err as Error);
      throw err;
    }
    this.resolvers[i]?.();
  }

  private async unpackAt(i: number, chainId: Digest, diffId: Digest, uncompressed: Readable): Promise<void> {
    if (await snapshotExists(this.layers.snapshots, chainId)) {
      uncompressed.resume();
      await new Promise<void>((resolve, reject) => uncompressed.once('end', resolve).once('error', reject));
    } else {
      const r = await unpackLayer(this.layers, uncompressed, i > 0 ? this.chains[i - 1] : undefined, { diffId, chainId }, i > 0 ? this.done[i - 1] : undefined);
      this.sizes.set(diffId, r.size);
    }
  }
}
