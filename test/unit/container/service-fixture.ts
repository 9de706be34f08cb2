// A ContainerService over fakes (the fake OciRuntime, an in-memory snapshotter, one image, a
// recording network) in a temp dir: the service's own logic, no root, no processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/db/database.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { ContainerPaths } from '../../../src/container/container-paths.js';
import { ContainerStore } from '../../../src/container/container-record.js';
import { type ContainerNetworking, ContainerService } from '../../../src/container/container-service.js';
import { NotFoundError } from '../../../src/errors.js';
import type { ImageService } from '../../../src/image/image-service.js';
import type { ImageRecord } from '../../../src/image/image-store.js';
import type { Digest } from '../../../src/oci/digest.js';
import type { Mount } from '../../../src/snapshot/mount.js';
import type { SnapshotInfo, Snapshotter } from '../../../src/snapshot/snapshotter.js';
import { FakeOciRuntime } from '../../support/fake-oci-runtime.js';

export const IMAGE = 'fake/image:latest';

/** Snapshots as records only: prepare/mounts/remove are what containers use. */
export class MemorySnapshotter implements Snapshotter {
  readonly snapshots = new Map<string, SnapshotInfo>();
  async prepare(key: string, parent?: string): Promise<Mount[]> {
    this.snapshots.set(key, { name: key, kind: 'active', ...(parent ? { parent } : {}), labels: {}, created: new Date(), updated: new Date() });
    return this.mounts(key);
  }
  view(key: string, parent?: string): Promise<Mount[]> {
    return this.prepare(key, parent);
  }
  async commit(): Promise<void> {}
  async mounts(key: string): Promise<Mount[]> {
    if (!this.snapshots.has(key)) throw new NotFoundError(`snapshot ${key} does not exist`);
    return [{ type: 'bind', source: `/snapshots/${key}`, target: '', options: ['rbind'] } as unknown as Mount];
  }
  async remove(key: string): Promise<void> {
    if (!this.snapshots.delete(key)) throw new NotFoundError(`snapshot ${key} does not exist`);
  }
  async stat(key: string): Promise<SnapshotInfo> {
    const s = this.snapshots.get(key);
    if (!s) throw new NotFoundError(`snapshot ${key} does not exist`);
    return s;
  }
  async usage(): Promise<{ size: number; inodes: number }> {
    return { size: 0, inodes: 0 };
  }
  async list(): Promise<SnapshotInfo[]> {
    return [...this.snapshots.values()];
  }
  async upperDir(key: string): Promise<string> {
    return `/snapshots/${key}`;
  }
}

/** Records attach/detach and live connects; `failAttach` makes the next attach throw. Knows the
 *  networks in `networks` (by name, its ID `id-<name>`). */
export class RecordingNetwork implements ContainerNetworking {
  readonly attached = new Set<string>();
  readonly networks = new Set(['bridge', 'host', 'none']);
  readonly live: string[] = [];
  failAttach?: Error;
  network(ref: string): { id: string; name: string } {
    const name = ref.startsWith('id-') ? ref.slice(3) : ref;
    if (!this.networks.has(name)) throw new NotFoundError(`network ${ref} not found`);
    return { id: `id-${name}`, name };
  }
  async connect(c: { id: string }, network: string, _cfg: unknown, running: boolean): Promise<{ id: string; name: string }> {
    const n = this.network(network);
    if (running) this.live.push(`connect ${n.name} ${c.id}`);
    return n;
  }
  async disconnect(c: { id: string }, network: string, running: boolean): Promise<{ id: string; name: string }> {
    const n = this.network(network);
    if (running) this.live.push(`disconnect ${n.name} ${c.id}`);
    return n;
  }
  async attach(c: { id: string }): Promise<{ mounts: [] }> {
    if (this.failAttach) {
      const err = this.failAttach;
      delete this.failAttach;
      throw err;
    }
    this.attached.add(c.id);
    return { mounts: [] };
  }
  async detach(c: { id: string }): Promise<void> {
    this.attached.delete(c.id);
  }
}

export interface ServiceFixture {
  service: ContainerService;
  runtime: FakeOciRuntime;
  snapshots: MemorySnapshotter;
  network: RecordingNetwork;
  events: EventBus;
  paths: ContainerPaths;
  close(): void;
}

const image: ImageRecord = {
  id: `sha256:${'1'.repeat(64)}` as Digest,
  config: { architecture: 'amd64', os: 'linux', config: { Cmd: ['sleep', '1000'], Env: ['PATH=/bin'] }, rootfs: { type: 'layers', diff_ids: [] } },
  layers: [],
  repoDigests: [],
  added: new Date().toISOString(),
};

/** Only what containers ask of images: resolve a name, the top layer's chain id. */
const images = {
  resolve(name: string): ImageRecord {
    if (name !== IMAGE) throw new NotFoundError(`No such image: ${name}`);
    return image;
  },
  topChainId(): Digest | undefined {
    return undefined;
  },
} as unknown as ImageService;

export async function serviceFixture(): Promise<ServiceFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cs-'));
  const db = openDatabase(join(dir, 'berth.db'));
  const runtime = new FakeOciRuntime();
  const snapshots = new MemorySnapshotter();
  const network = new RecordingNetwork();
  const events = new EventBus();
  const paths = new ContainerPaths({ dataRoot: join(dir, 'data'), execRoot: join(dir, 'run') });
  const service = new ContainerService({ store: new ContainerStore(db), images, snapshots, runtime, events, paths, networking: network, cgroupParent: '/berth-unit' });
  await service.init();
  // The service's timers and watchers are unref'd (in berthd the server keeps the process alive): stand in for it.
  const keepAlive = setInterval(() => undefined, 1000);
  return {
    service,
    runtime,
    snapshots,
    network,
    events,
    paths,
    close() {
      clearInterval(keepAlive);
      service.shutdown();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
