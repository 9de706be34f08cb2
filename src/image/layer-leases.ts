// Layer snapshots no image uses are pruned, except those a running job holds a lease on (a build:
// its base image's layers, the cached layers it reuses, the layers it makes before an image owns
// them).
import { ConflictError } from '../errors.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import type { ImageStore } from './image-store.js';

export interface LayerLease {
  add(chainIds: Iterable<string>): void;
  release(): void;
}

export class LayerLeases {
  private readonly leases = new Set<{ since: number; chainIds: Set<string> }>();

  constructor(
    private readonly store: ImageStore,
    private readonly snapshots: Snapshotter,
  ) {}

  /**
   * A lease covers the chain IDs added to it and every snapshot made since it began. Release it
   * when the job ends; layers no image uses are then prunable again.
   */
  take(): LayerLease {
    // A second's margin: snapshot times may be stored coarser than the clock.
    const lease = { since: Date.now() - 1000, chainIds: new Set<string>() };
    this.leases.add(lease);
    return {
      add: (ids) => {
        for (const id of ids) lease.chainIds.add(id);
      },
      release: () => void this.leases.delete(lease),
    };
  }

  private leased(s: { name: string; created: Date }): boolean {
    for (const l of this.leases) if (l.chainIds.has(s.name) || s.created.getTime() >= l.since) return true;
    return false;
  }

  /** Removes layer snapshots no image uses any more (children first), except leased ones. */
  async prune(): Promise<void> {
    const used = new Set<string>();
    for (const img of this.store.list()) for (const l of img.layers) used.add(l.chainId);
    const all = await this.snapshots.list();
    const layerSnaps = all.filter((s) => s.kind === 'committed' && !used.has(s.name) && !this.leased(s));
    const byName = new Map(layerSnaps.map((s) => [s.name, s]));
    let progress = true;
    const left = new Set(layerSnaps.map((s) => s.name));
    while (progress && left.size > 0) {
      progress = false;
      for (const name of [...left]) {
        // Looked at again right before removing: a lease may have been taken meanwhile.
        if (this.leased(byName.get(name)!)) {
          left.delete(name);
          continue;
        }
        try {
          await this.snapshots.remove(name);
          left.delete(name);
          progress = true;
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
        }
      }
    }
  }
}
