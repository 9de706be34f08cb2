// The LayerSink a pull unpacks into: each layer becomes the committed snapshot named by its chain
// ID. Layers are applied in order (a snapshot's parent must be committed first); downloads of later
// layers proceed meanwhile up to their stream buffers.
import type { Readable } from 'node:stream';
import type { Digest } from '../oci/digest.js';
import type { Descriptor } from '../oci/image-spec.js';
import type { LayerSink } from '../registry/client/layer-sink.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import { chainIds, snapshotExists, unpackLayer } from './layer-unpack.js';

export class SnapshotLayerSink implements LayerSink {
  private diffIds: Digest[] = [];
  private chains: Digest[] = [];
  private done: Array<Promise<void>> = [];
  private resolvers: Array<() => void> = [];
  readonly sizes = new Map<Digest, number>();

  constructor(private readonly snapshots: Snapshotter) {}

  begin(diffIds: Digest[]): void {
    this.diffIds = diffIds;
    this.chains = chainIds(diffIds);
    this.done = diffIds.map((_, i) => new Promise<void>((resolve) => (this.resolvers[i] = resolve)));
  }

  private indexOf(diffId: Digest): number {
    return this.diffIds.indexOf(diffId);
  }

  async has(diffId: Digest): Promise<boolean> {
    const i = this.indexOf(diffId);
    if (i === -1) return false;
    const ok = await snapshotExists(this.snapshots, this.chains[i]!);
    if (ok) this.resolvers[i]?.();
    return ok;
  }

  async unpack(_desc: Descriptor, diffId: Digest, uncompressed: Readable): Promise<void> {
    const i = this.indexOf(diffId);
    if (i === -1) throw new Error(`layer ${diffId} is not in the image config`);
    if (i > 0) await this.done[i - 1];
    const chainId = this.chains[i]!;
    if (await snapshotExists(this.snapshots, chainId)) {
      uncompressed.resume();
      await new Promise<void>((resolve, reject) => uncompressed.once('end', resolve).once('error', reject));
    } else {
      const r = await unpackLayer(this.snapshots, uncompressed, i > 0 ? this.chains[i - 1] : undefined, { diffId, chainId });
      this.sizes.set(diffId, r.size);
    }
    this.resolvers[i]?.();
  }
}
