// The builder's service: a Dockerfile parsed and planned, then run as one BuildRun (build-run.ts:
// stages as a graph, steps through the cache) in a scratch dir of its own while the build holds
// a lease on the layers it uses; `builder prune` and `system df`'s cache records. Every step ends
// in a result (image config + layers; its ID is the config's digest, as an image's would be), and
// the build cache maps the step's key — its parent result, the instruction after substitution,
// the content of what it copies — to that result. Only the final result becomes an image record.
import { chmod, lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayerRecord } from '../image/image-store.js';
import type { IdMap } from '../oci/id-map.js';
import { parseDockerfile, planBuild } from './dockerfile/mod.js';
import { BuildCache, type CacheEntry } from './build-cache.js';
import type { BuildOptions, BuildResult, BuildServiceDeps } from './build-options.js';
import type { BuildReporter } from './build-progress.js';
import { BuildRun } from './build-run.js';
import { CacheMounts } from './cache-mounts.js';

export type { BuildOptions, BuildResult, BuildServiceDeps, ContextSource } from './build-options.js';
export { BuildStepError } from './build-step-error.js';

export class BuildService {
  readonly cache: BuildCache;
  /** RUN --mount=type=cache directories, shared by all builds of the daemon. */
  readonly cacheMounts: CacheMounts;

  constructor(readonly deps: BuildServiceDeps) {
    this.cache = new BuildCache(deps.db);
    this.cacheMounts = new CacheMounts(join(deps.stateDir, 'cache-mounts'));
  }

  /** The id map of a remapped daemon, else undefined. */
  get idMap(): IdMap | undefined {
    return this.deps.userns ?? this.deps.snapshots.idMap;
  }

  private ready?: Promise<void>;
  private readonly startedAt = Date.now();

  /** Removes what builds cut short by a daemon crash left: their snapshots and scratch dirs. */
  private async cleanupInterrupted(): Promise<void> {
    for (const s of await this.deps.snapshots.list()) {
      if (s.kind !== 'committed' && s.labels['berth.build']) await this.deps.snapshots.remove(s.name).catch(() => undefined);
    }
    // Scratch dirs from before this service existed (contexts being received now are newer).
    const tmp = join(this.deps.stateDir, 'tmp');
    for (const name of await readdir(tmp).catch(() => [] as string[])) {
      const st = await lstat(join(tmp, name)).catch(() => undefined);
      if (st && st.mtimeMs < this.startedAt) await rm(join(tmp, name), { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** Call before receiving a build's context: the first call clears what interrupted builds left. */
  init(): Promise<void> {
    this.ready ??= this.cleanupInterrupted();
    return this.ready;
  }

  async build(o: BuildOptions, report: BuildReporter = () => undefined): Promise<BuildResult> {
    await this.init();
    const df = parseDockerfile(o.dockerfile, { file: o.dockerfileName ?? 'Dockerfile' });
    const plan = planBuild(df, {
      buildArgs: o.buildArgs ?? {},
      ...(o.target ? { target: o.target } : {}),
      ...(o.platform ? { targetPlatform: o.platform } : {}),
    });
    await mkdir(join(this.deps.stateDir, 'tmp'), { recursive: true });
    const workDir = await mkdtemp(join(this.deps.stateDir, 'tmp', 'build-'));
    // A remapped RUN step's root reaches its bundle, bind sources and /etc files through here.
    if (this.idMap) await chmod(workDir, 0o711);
    // Layers this build reuses or makes stay while it runs, whatever rmi or a prune does meanwhile.
    const lease = this.deps.images.leaseLayers();
    const run = new BuildRun({ deps: this.deps, cache: this.cache, cacheMounts: this.cacheMounts, idMap: this.idMap }, plan, o, report, workDir, lease);
    try {
      const final = await run.execute();
      return final;
    } finally {
      lease.release();
      await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** `builder prune`: forgets cached steps and removes the untagged images only they kept. */
  async prune(o: { all?: boolean; keep?: (e: CacheEntry) => boolean } = {}): Promise<{ deleted: string[]; spaceReclaimed: number }> {
    const entries = this.cache.list().filter((e) => !o.keep?.(e));
    const before = await this.cachedLayerBytes();
    this.cache.delete(entries.map((e) => e.key));
    // Layers no image uses any more (only cache entries did) go with them.
    await this.deps.images.pruneLayers();
    const used = new Set(this.deps.images.store.list().flatMap((i) => i.layers.map((l) => l.chainId)));
    const left = before.filter((l) => used.has(l.chainId)).reduce((n, l) => n + l.size, 0);
    return { deleted: entries.map((e) => e.key), spaceReclaimed: Math.max(0, before.reduce((n, l) => n + l.size, 0) - left) };
  }

  /** Cache records for `system df`: each with the size of the layer its step made. */
  usage(): Array<{ ID: string; Type: string; Description: string; InUse: boolean; Shared: boolean; Size: number; CreatedAt: string; LastUsedAt: string; UsageCount: number }> {
    const used = new Set(this.deps.images.store.list().flatMap((i) => i.layers.map((l) => l.chainId)));
    return this.cache.list().flatMap((e) => {
      const r = e.result;
      const last = r.config.history?.[r.config.history.length - 1];
      const top = r.layers[r.layers.length - 1];
      const size = last && !last.empty_layer ? (top?.size ?? 0) : 0;
      return [{
        ID: e.key.slice('sha256:'.length, 'sha256:'.length + 25),
        Type: 'regular',
        Description: e.description,
        InUse: top !== undefined && used.has(top.chainId),
        Shared: false,
        Size: size,
        CreatedAt: new Date(e.created).toISOString(),
        LastUsedAt: new Date(e.lastUsed).toISOString(),
        UsageCount: e.usageCount,
      }];
    });
  }

  /** Each layer the cache holds, once. */
  private async cachedLayerBytes(): Promise<LayerRecord[]> {
    const seen = new Map<string, LayerRecord>();
    for (const e of this.cache.list()) for (const l of e.result.layers) seen.set(l.chainId, l);
    return [...seen.values()];
  }
}
