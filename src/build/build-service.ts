// The builder: a planned Dockerfile executed stage by stage. Stages the target needs start at
// once and wait only for what they use (their base stage, COPY --from, RUN --mount from), so
// independent stages run side by side; the rest are skipped. Every step ends in a result (image
// config + layers; its ID is the config's digest, as an image's would be), and the build cache
// maps the step's key — its parent result, the instruction after substitution, the content of
// what it copies — to that result. A hit reuses the result as it is, `created` times included,
// so an unchanged rebuild gives the same image ID. Only the final result becomes an image record.
import { randomBytes } from 'node:crypto';
import { chmod, chown, copyFile, lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { BerthError, InvalidArgumentError, NotFoundError, errorMessage } from '../errors.js';
import type { Db } from '../db/database.js';
import type { ImageService } from '../image/image-service.js';
import type { ImageRecord, LayerRecord } from '../image/image-store.js';
import { applyConfigInstruction } from '../image/config-changes.js';
import { commitSnapshotLayer } from '../image/commit-layer.js';
import { type Digest, digestOf } from '../oci/digest.js';
import type { IdMap } from '../oci/id-map.js';
import { hostOwner } from '../container/archive-extract.js';
import type { ContainerConfig, HistoryEntry, ImageConfig, Platform } from '../oci/image-spec.js';
import { type Reference, familiarString, withDefaultTag } from '../oci/reference.js';
import type { SpecMount } from '../runtime/spec/spec-input.js';
import type { OciRuntime } from '../runtime/oci-runtime.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import {
  type AddInstruction,
  type BuildPlan,
  type CopyInstruction,
  DockerfileError,
  type Instruction,
  type PlannedStage,
  type RunInstruction,
  StageScope,
  parseDockerfile,
  planBuild,
  unusedBuildArgs,
} from './dockerfile/mod.js';
import { digestEntries, keptParents, matchesPatterns, resolveCopySource, resolveCopySources } from './context/mod.js';
import type { TreeReader } from './context/tree-reader.js';
import { BuildCache, type StepResult } from './build-cache.js';
import { snapshotExists, unpackLayer } from '../image/layer-unpack.js';
import type { BuildReporter, StepRef } from './build-progress.js';
import { cacheKey } from './cache-key.js';
import { type Owner, copyIntoRoot, mkdirInRoot } from './copy-into-root.js';
import { downloadSource, extractArchive, isArchive, isUrl } from './add-sources.js';
import { parseChmod, resolveOwner } from './resolve-owner.js';
import { type RootfsView, mountActive, openRootfsView } from './rootfs-view.js';
import { BuildCancelledError, RunFailedError, runStep } from './run-step.js';
import { RunNetworks, type StepNetwork, type StepNetworking } from './run-networks.js';
import { type CacheMountLease, CacheMounts } from './cache-mounts.js';
import { resolveInRoot } from '../fsutil/resolve-in-root.js';
import { traceSpan } from './build-trace.js';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const HISTORY_COMMENT = 'buildkit.dockerfile.v0';

export interface BuildServiceDeps {
  db: Db;
  images: ImageService;
  snapshots: Snapshotter;
  runtime: OciRuntime;
  cgroupParent: string;
  /** Where the builder keeps scratch dirs and cache mounts (on the data root's filesystem). */
  stateDir: string;
  /**
   * Networks for RUN steps (absent: RUN uses the host's network unless told none). `attach` puts
   * a step on a network by mode or name, as a container would be.
   */
  network?: StepNetworking;
  /**
   * The daemon's --userns-remap map (absent: the snapshotter's, if its store is remapped): RUN
   * steps run in a user namespace with it, and COPY/ADD and cache mounts write shifted owners.
   */
  userns?: IdMap;
  /** Pulls an image into the store (absent: base images must be present). */
  pull?: (ref: string, report: BuildReporter, auth?: ReadonlyMap<string, unknown>) => Promise<void>;
}

export interface BuildOptions {
  /** The context, as a directory. */
  contextDir: string;
  /**
   * The context as received, when it may still be only in memory: keys are computed from it, and
   * it is written to `contextDir` only when a step that runs needs the files.
   */
  context?: ContextSource;
  dockerfile: string | Uint8Array;
  /** The name messages use (`Dockerfile`). */
  dockerfileName?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  target?: string;
  tags?: Reference[];
  noCache?: boolean;
  pull?: boolean;
  /** `--build-context name=dir`: directories COPY --from and FROM can name. */
  buildContexts?: Record<string, string>;
  /** `--secret id=…,src=…`: id → file on the daemon's host. */
  secrets?: Record<string, string>;
  platform?: Platform;
  /**
   * The network of RUN steps without --network (`docker build --network`): default/bridge (the
   * default bridge, as docker's builder), host, none, or a network's name.
   */
  networkMode?: string;
  /** Registry credentials by registry domain, handed to `pull` as they are. */
  registryAuth?: ReadonlyMap<string, unknown>;
  /** Aborting stops the build at the next step (and kills a running RUN). */
  signal?: AbortSignal;
}

/** A context held apart from its directory until a step needs the files there. */
export interface ContextSource {
  reader(): TreeReader;
  materialize(): Promise<void>;
}

export interface BuildResult {
  imageId: Digest;
  tags: string[];
  /** Steps that ran, and steps taken from the cache. */
  executed: number;
  cached: number;
  /** --build-arg names no stage built declares (docker warns about them). */
  unusedBuildArgs: string[];
}

/** A build failure at a step: docker's message plus where it happened. */
export class BuildStepError extends BerthError {
  constructor(
    message: string,
    readonly step: StepRef,
    readonly exitCode: number | undefined,
    readonly lastOutput: string[],
  ) {
    super(message);
  }
}

interface StageResult {
  config: ImageConfig;
  layers: LayerRecord[];
  /** The ID of the result so far (the config's digest), unless nothing happened on scratch yet. */
  id?: Digest;
  /** The base image's record ID (the built image's parent). */
  baseImage?: Digest;
  scope: StageScope;
}

interface State extends StageResult {
  /** What the next step's key starts from: the current image's ID (or the empty base). */
  parentKey: string;
}

type Mount = RunInstruction['mounts'][number];

/** What executing a planned RUN step needs. */
interface RunExecution {
  instr: RunInstruction;
  cfg: ContainerConfig;
  program: { path: string; body: string } | undefined;
  /** The trees bind mounts and cache mounts with from= read (a stage, an image, a context). */
  sourceRoots: Map<Mount, string>;
  cacheDirs: Map<Mount, string>;
  views: RootfsView[];
  env: string[];
  network: string;
  argv: string[];
  state: State;
  ref: StepRef;
  tail: OutputTail;
}

type LayerLease = ReturnType<ImageService['leaseLayers']>;


function sameLayers(a: readonly LayerRecord[], b: readonly LayerRecord[]): boolean {
  return a.length === b.length && a.every((l, i) => l.chainId === b[i]!.chainId && l.diffId === b[i]!.diffId);
}

function topChain(layers: readonly LayerRecord[]): Digest | undefined {
  return layers[layers.length - 1]?.chainId;
}

function scratchConfig(p: Platform): ImageConfig {
  return {
    architecture: p.architecture,
    os: p.os,
    ...(p.variant ? { variant: p.variant } : {}),
    config: { Env: [DEFAULT_PATH] },
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
}

/** Keeps the last `n` lines of a step's output for error messages. */
class OutputTail {
  private lines: string[] = [];
  private partial = '';
  constructor(private readonly n = 10) {}
  push(data: Buffer): void {
    const parts = (this.partial + data.toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > this.n) this.lines = this.lines.slice(-this.n);
  }
  get(): string[] {
    return this.partial ? [...this.lines, this.partial].slice(-this.n) : [...this.lines];
  }
}

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
    const run = new BuildRun(this, plan, o, report, workDir, lease);
    try {
      const final = await run.execute();
      return final;
    } finally {
      lease.release();
      await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** `builder prune`: forgets cached steps and removes the untagged images only they kept. */
  async prune(o: { all?: boolean } = {}): Promise<{ deleted: string[]; spaceReclaimed: number }> {
    void o;
    const entries = this.cache.list();
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

/** One build: the plan, the stages' promises, the step counter. */
class BuildRun {
  private readonly stages = new Map<number, Promise<StageResult>>();
  private vertex = 0;
  private executed = 0;
  private cachedSteps = 0;
  private readonly offsets = new Map<number, number>();
  private readonly globalTotal: number;
  private readonly deps: BuildServiceDeps;
  /** Sandboxes of this build's RUN steps (absent without a network service). */
  private readonly networks?: RunNetworks;
  /** Cache entries this build used, counted once it ends. */
  private readonly hitKeys: string[] = [];

  constructor(
    private readonly svc: BuildService,
    private readonly plan: BuildPlan,
    private readonly o: BuildOptions,
    private readonly report: BuildReporter,
    private readonly workDir: string,
    private readonly lease: LayerLease,
  ) {
    this.deps = svc.deps;
    if (svc.deps.network) this.networks = new RunNetworks(svc.deps.network, workDir);
    let n = 0;
    for (const i of plan.order) {
      this.offsets.set(i, n);
      n += 1 + plan.stages[i]!.stage.instructions.length;
    }
    this.globalTotal = n;
  }

  async execute(): Promise<BuildResult> {
    // Every stage the target needs starts now; each waits for what it uses.
    for (const i of this.plan.order) this.stage(i);
    const tStages = traceSpan('stages');
    const settled = await Promise.allSettled(this.plan.order.map((i) => this.stage(i)));
    tStages();
    await this.networks?.close();
    this.svc.cache.touch(this.hitKeys);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const target = (settled[settled.length - 1] as PromiseFulfilledResult<StageResult>).value;
    const labels = this.o.labels ?? {};
    // Build labels go on the final image; its `created` stays the last step's.
    const config: ImageConfig = structuredClone(target.config);
    if (Object.keys(labels).length > 0) config.config = { ...(config.config ?? {}), Labels: { ...(config.config?.Labels ?? {}), ...labels } };
    config.created ??= new Date(0).toISOString();
    const tCommit = traceSpan('commit image');
    // A rebuild that ends where the last one did finds its image stored already.
    const known = this.deps.images.store.get(digestOf(JSON.stringify(config)));
    const image = known && known.parent === target.baseImage && sameLayers(known.layers, target.layers)
      ? known
      : await this.deps.images.commitImage({ config, layers: target.layers, ...(target.baseImage ? { parent: target.baseImage } : {}) });
    const tags: string[] = [];
    for (const t of this.o.tags ?? []) {
      this.deps.images.tagImage(image.id, t);
      tags.push(familiarString(withDefaultTag(t)));
    }
    tCommit();
    return { imageId: image.id, tags, executed: this.executed, cached: this.cachedSteps, unusedBuildArgs: unusedBuildArgs(this.plan) };
  }

  private stage(i: number): Promise<StageResult> {
    let p = this.stages.get(i);
    if (!p) {
      p = this.buildStage(this.plan.stages[i]!);
      p.catch(() => undefined);
      this.stages.set(i, p);
    }
    return p;
  }

  private stepRef(ps: PlannedStage, index: number, text: string, line: number): StepRef {
    return {
      vertex: ++this.vertex,
      stage: ps.displayName,
      index,
      count: ps.stage.instructions.length + 1,
      globalIndex: (this.offsets.get(ps.index) ?? 0) + index,
      globalTotal: this.globalTotal,
      text,
      line,
    };
  }

  /** The image for FROM/COPY --from: local, or pulled when missing (always with --pull). */
  private async baseImage(ref: string, forcePull: boolean): Promise<ImageRecord> {
    const img = await this.findBaseImage(ref, forcePull);
    this.lease.add(img.layers.map((l) => l.chainId));
    // Removed between the lookup and the lease: its layers may be gone.
    const top = img.layers[img.layers.length - 1];
    if (top && !(await snapshotExists(this.deps.snapshots, top.chainId))) throw new NotFoundError(`No such image: ${ref}`);
    return img;
  }

  private async findBaseImage(ref: string, forcePull: boolean): Promise<ImageRecord> {
    const local = this.deps.images.store.find(ref)?.image;
    if (local && !(forcePull && this.deps.pull)) return local;
    if (!this.deps.pull) {
      if (local) return local;
      throw new NotFoundError(`pull access denied for ${ref}, repository does not exist or may require 'docker login'`);
    }
    await this.deps.pull(ref, this.report, this.o.registryAuth);
    const pulled = this.deps.images.store.find(ref)?.image;
    if (!pulled) throw new NotFoundError(`No such image: ${ref}`);
    return pulled;
  }

  private async buildStage(ps: PlannedStage): Promise<StageResult> {
    const from = ps.stage.from;
    const fromRef = this.stepRef(ps, 1, from.original, from.location.startLine);
    const t0 = Date.now();
    this.report({ type: 'start', step: fromRef, time: t0 });
    let state: State;
    try {
      if (ps.base.kind === 'stage') {
        const parent = await this.stage(ps.base.index);
        state = { ...parent, scope: new StageScope(this.plan, ps.index, { parent: parent.scope }), parentKey: parent.id ?? `scratch:${parent.config.os}/${parent.config.architecture}` };
      } else if (ps.base.kind === 'scratch') {
        const config = scratchConfig(ps.platform ?? this.plan.targetPlatform);
        state = { config, layers: [], scope: new StageScope(this.plan, ps.index, { imageEnv: config.config?.Env ?? [] }), parentKey: `scratch:${config.os}/${config.architecture}` };
      } else {
        const img = await this.baseImage(ps.base.ref, Boolean(this.o.pull));
        // Only images of the wanted platform (there is no emulation): docker's message otherwise.
        const want = ps.platform ?? this.plan.targetPlatform;
        if (img.config.os !== want.os || img.config.architecture !== want.architecture) {
          throw new InvalidArgumentError(
            `image with reference ${ps.base.ref} was found but does not match the specified platform: wanted ${want.os}/${want.architecture}, actual: ${img.config.os}/${img.config.architecture}`,
          );
        }
        const config: ImageConfig = structuredClone(img.config);
        config.config ??= {};
        if (!(config.config.Env ?? []).some((e) => e.startsWith('PATH='))) config.config.Env = [DEFAULT_PATH, ...(config.config.Env ?? [])];
        state = { config, layers: img.layers, id: img.id, baseImage: img.id, scope: new StageScope(this.plan, ps.index, { imageEnv: config.config.Env ?? [] }), parentKey: img.id };
      }
    } catch (err) {
      this.fail(fromRef, err, []);
    }
    this.report({ type: 'done', step: fromRef, ...(state.id ? { imageId: state.id } : {}), ms: Date.now() - t0, cached: false });

    // ONBUILD triggers of the base image run first, then are not inherited further.
    const triggers = ps.base.kind === 'image' ? (state.config.config?.OnBuild ?? []) : [];
    if (triggers.length > 0) {
      state.config.config!.OnBuild = null;
      for (const t of triggers) {
        const parsed = parseDockerfile(`FROM scratch\n${t}\n`, { file: 'ONBUILD' }).stages[0]!.instructions;
        for (const instr of parsed) state = await this.step(ps, state, { ...instr, location: from.location }, 1, `ONBUILD ${t}`, true);
      }
    }
    let index = 1;
    for (const instr of ps.stage.instructions) {
      index++;
      state = await this.step(ps, state, instr, index, instr.original);
    }
    return state;
  }

  /** A cached result whose layers are all still there (and now leased for the build). */
  private async cachedResult(key: string): Promise<StepResult | undefined> {
    const hit = this.svc.cache.lookup(key, () => true);
    if (!hit) return undefined;
    this.lease.add(hit.layers.map((l) => l.chainId));
    this.hitKeys.push(key);
    const top = hit.layers[hit.layers.length - 1];
    if (top && !(await snapshotExists(this.deps.snapshots, top.chainId))) {
      this.svc.cache.delete([key]);
      return undefined;
    }
    return hit;
  }

  private fail(ref: StepRef, err: unknown, lastOutput: string[]): never {
    const message = errorMessage(err);
    this.report({ type: 'error', step: ref, message, lastOutput });
    if (err instanceof DockerfileError) throw err;
    throw new BuildStepError(message, ref, err instanceof RunFailedError ? err.exitCode : undefined, lastOutput);
  }

  /** One instruction: expanded, looked up in the cache, else executed and recorded. */
  private async step(ps: PlannedStage, state: State, instr: Instruction, index: number, text: string, trigger = false): Promise<State> {
    const ref = { ...this.stepRef(ps, index, text, instr.location.startLine), ...(trigger ? { trigger } : {}) };
    const t0 = Date.now();
    if (this.o.signal?.aborted) this.fail(ref, new BuildCancelledError('build cancelled'), []);
    const tail = new OutputTail();
    if (instr.kind === 'ARG') {
      // ARG only changes the scope; its values reach RUN's key through the command string.
      this.report({ type: 'start', step: ref, time: t0 });
      try {
        state.scope.expand(instr);
      } catch (err) {
        this.fail(ref, err, []);
      }
      this.report({ type: 'done', step: ref, ms: 0, cached: false });
      return state;
    }
    this.report({ type: 'start', step: ref, time: t0 });
    try {
      const expanded = state.scope.expand(instr);
      const plan = await this.planStep(state, expanded, ref, tail);
      if (plan.link) return await this.linkedStep(state, plan, ref, text, t0);
      const key = cacheKey(state.parentKey, plan.keyParts);
      if (!this.o.noCache) {
        const hit = await this.cachedResult(key);
        if (hit) {
          await plan.release?.();
          this.cachedSteps++;
          this.report({ type: 'cached', step: ref, imageId: hit.id });
          this.report({ type: 'done', step: ref, imageId: hit.id, ms: Date.now() - t0, cached: true });
          return { config: hit.config, layers: hit.layers, id: hit.id, ...(state.baseImage ? { baseImage: state.baseImage } : {}), scope: state.scope, parentKey: hit.id };
        }
      }
      let layer: LayerRecord | undefined;
      try {
        layer = await plan.execute();
      } finally {
        await plan.release?.();
      }
      const config: ImageConfig = structuredClone(state.config);
      config.config ??= {};
      plan.applyConfig?.(config);
      const created = new Date().toISOString();
      const history: HistoryEntry = { created, created_by: plan.createdBy, comment: HISTORY_COMMENT, ...(layer ? {} : { empty_layer: true }) };
      config.history = [...(config.history ?? []), history];
      config.created = created;
      if (layer) this.lease.add([layer.chainId]);
      const layers = layer ? [...state.layers, layer] : state.layers;
      if (layer) config.rootfs = { type: 'layers', diff_ids: [...config.rootfs.diff_ids, layer.diffId] };
      const result: StepResult = { id: digestOf(JSON.stringify(config)), config, layers };
      this.svc.cache.record(key, result, text);
      this.executed++;
      this.report({ type: 'done', step: ref, imageId: result.id, ms: Date.now() - t0, cached: false });
      return { ...result, ...(state.baseImage ? { baseImage: state.baseImage } : {}), scope: state.scope, parentKey: result.id };
    } catch (err) {
      this.fail(ref, err, tail.get());
    }
  }

  /**
   * COPY --link: the files go into a layer of their own, made on nothing, so its cache entry is
   * keyed without the parent and survives a change of the base; the layer is then put over the
   * current parent (applied from its stored blob where that chain does not exist yet).
   */
  private async linkedStep(state: State, plan: StepPlan, ref: StepRef, text: string, t0: number): Promise<State> {
    const key = cacheKey('link', plan.keyParts);
    let link = this.o.noCache ? undefined : this.svc.cache.lookup(key, () => true)?.link;
    if (link) {
      this.lease.add([link.layer.chainId]);
      const blob = link.layer.blob;
      if (!blob || !(await this.deps.images.deps.content.info(blob.digest))) {
        this.svc.cache.delete([key]);
        link = undefined;
      } else this.hitKeys.push(key);
    }
    const cached = link !== undefined;
    if (link) await plan.release?.();
    else {
      let layer: LayerRecord | undefined;
      try {
        layer = await plan.execute();
      } finally {
        await plan.release?.();
      }
      if (!layer) throw new InvalidArgumentError('COPY --link made no layer');
      this.lease.add([layer.chainId]);
      const history: HistoryEntry = { created: new Date().toISOString(), created_by: plan.createdBy, comment: HISTORY_COMMENT };
      link = { layer, history };
      const alone: ImageConfig = { ...scratchConfig(this.plan.targetPlatform), history: [history], rootfs: { type: 'layers', diff_ids: [layer.diffId] } };
      this.svc.cache.record(key, { id: digestOf(JSON.stringify(alone)), config: alone, layers: [layer], link }, text);
      this.executed++;
    }
    const top = await this.layerOver(link.layer, topChain(state.layers));
    const config: ImageConfig = structuredClone(state.config);
    config.history = [...(config.history ?? []), link.history];
    config.created = link.history.created;
    config.rootfs = { type: 'layers', diff_ids: [...config.rootfs.diff_ids, top.diffId] };
    const result: StepResult = { id: digestOf(JSON.stringify(config)), config, layers: [...state.layers, top] };
    if (cached) {
      this.cachedSteps++;
      this.report({ type: 'cached', step: ref, imageId: result.id });
    }
    this.report({ type: 'done', step: ref, imageId: result.id, ms: Date.now() - t0, cached });
    return { ...result, ...(state.baseImage ? { baseImage: state.baseImage } : {}), scope: state.scope, parentKey: result.id };
  }

  /** `layer` (made on nothing) over the chain `parent`: its snapshot, applied from the blob if absent. */
  private async layerOver(layer: LayerRecord, parent: Digest | undefined): Promise<LayerRecord> {
    const chainId = parent ? digestOf(`${parent} ${layer.diffId}`) : layer.diffId;
    this.lease.add([chainId]);
    if (await snapshotExists(this.deps.snapshots, chainId)) return { ...layer, chainId };
    const unpacked = await unpackLayer(this.deps.snapshots, this.deps.images.deps.content.reader(layer.blob!.digest), parent, { diffId: layer.diffId, chainId });
    return { ...layer, chainId: unpacked.chainId };
  }

  private async planStep(state: State, instr: Instruction, ref: StepRef, tail: OutputTail): Promise<StepPlan> {
    switch (instr.kind) {
      case 'RUN':
        return this.planRun(state, instr, ref, tail);
      case 'COPY':
      case 'ADD':
        return this.planCopy(state, instr);
      case 'WORKDIR':
        return this.planWorkdir(state, instr);
      case 'MAINTAINER':
        return {
          keyParts: ['MAINTAINER', instr.maintainer],
          createdBy: `MAINTAINER ${instr.maintainer}`,
          execute: async () => undefined,
          applyConfig: (c) => {
            c.author = instr.maintainer;
          },
        };
      default: {
        const { location: _l, comments: _c, original: _o, keyword: _k, ...essence } = instr as Instruction & { trigger?: unknown };
        void _l;
        void _c;
        void _o;
        void _k;
        if ('trigger' in essence) delete essence.trigger;
        return {
          keyParts: ['CONFIG', essence],
          createdBy: configCreatedBy(instr),
          execute: async () => undefined,
          applyConfig: (c) => applyConfigInstruction(c.config!, instr),
        };
      }
    }
  }

  private async planRun(state: State, instr: RunInstruction, ref: StepRef, tail: OutputTail): Promise<StepPlan> {
    const cfg: ContainerConfig = state.config.config ?? {};
    const shell = cfg.Shell ?? ['/bin/sh', '-c'];
    let argv: string[];
    // A heredoc with a #! line that is the whole command runs as a program, as BuildKit does: the
    // body is mounted as an executable file under /dev/pipes.
    let program: { path: string; body: string } | undefined;
    if (instr.prependShell) {
      let script = instr.command.join(' ');
      const docs = instr.heredocs;
      if (docs.length === 1 && /^\s*[0-9]*<<-?\s*["']?[^\s"']+["']?\s*$/.test(script)) {
        script = docs[0]!.content;
        if (script.startsWith('#!')) program = { path: `/dev/pipes/${docs[0]!.name}`, body: script };
      } else for (const h of docs) script += `\n${h.content}${h.name}`;
      argv = program ? [program.path] : [...shell, script];
    } else argv = instr.command;
    const createdBy = `RUN ${state.scope.runCommandString(argv)} # buildkit`;
    // RUN --network, else the build's network mode (the API's networkmode), else the default
    // bridge (the host's network where the builder has no network service).
    const wanted = instr.network === 'default' ? (this.o.networkMode || 'default') : instr.network;
    const network = wanted === 'none' || wanted === 'host' ? wanted : this.deps.network ? (wanted === 'bridge' ? 'default' : wanted) : 'host';
    if (network.startsWith('container:')) throw new InvalidArgumentError(`network mode ${network} is not supported for RUN`);
    const env = state.scope.runEnvironment();
    const views: RootfsView[] = [];
    // What a bind mount shows, and the base of a cache mount with from=, is part of the step's
    // input: its content goes into the key.
    const sourceRoots = new Map<RunInstruction['mounts'][number], string>();
    const bindDigests: string[] = [];
    try {
      for (const m of instr.mounts) {
        if (m.type !== 'bind' && !(m.type === 'cache' && m.from)) continue;
        const root = await this.sourceRoot(m.from, views);
        sourceRoots.set(m, root);
        bindDigests.push(await digestEntries(this.treeFor(root), [m.source ?? '/']));
      }
    } catch (err) {
      for (const v of views.splice(0)) await v.release();
      throw err;
    }
    const mountKey = [...instr.mounts, ...bindDigests, ...(program ? [program.body] : [])];
    return {
      keyParts: ['RUN', createdBy, env, cfg.User ?? '', cfg.WorkingDir ?? '', network, mountKey],
      createdBy,
      release: async () => {
        for (const v of views.splice(0)) await v.release();
      },
      execute: async () => {
        if (sourceRoots.size > 0) await this.contextOnDisk();
        const leases = await this.acquireCacheMounts(instr.mounts, cfg.WorkingDir || '/', sourceRoots);
        try {
          const cacheDirs = new Map(leases.map((l) => [l.mount, l.dir]));
          return await this.executeRun({ instr, cfg, program, sourceRoots, cacheDirs, views, env, network, argv, state, ref, tail });
        } finally {
          for (const l of leases) l.release();
        }
      },
    };
  }

  /** The cache mounts of a RUN step, taken in one order (by id) so that locked ones can't deadlock. */
  private async acquireCacheMounts(mounts: RunInstruction['mounts'], workDir: string, roots: Map<Mount, string>): Promise<Array<CacheMountLease & { mount: RunInstruction['mounts'][number] }>> {
    const caches = mounts
      .filter((m) => m.type === 'cache')
      .map((m) => {
        if (!m.target) throw new InvalidArgumentError('mount type cache requires a target');
        const target = m.target.startsWith('/') ? m.target : posix.join(workDir, m.target);
        return { m, id: m.id ?? target };
      })
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const out: Array<CacheMountLease & { mount: RunInstruction['mounts'][number] }> = [];
    const map = this.svc.idMap;
    try {
      for (const { m, id } of caches) {
        // from=: a new cache starts as a copy of that stage's or image's source directory.
        const root = m.from ? roots.get(m) : undefined;
        const seed = root !== undefined ? { root, path: m.source ?? '/' } : undefined;
        // A remapped step's root owns a new cache (or the mount's uid/gid, shifted like files).
        const uid = m.uid ?? (map ? 0 : undefined);
        const gid = m.gid ?? (map ? 0 : undefined);
        const lease = await this.svc.cacheMounts.acquire(id, {
          ...(m.sharing ? { sharing: m.sharing } : {}),
          ...(m.mode !== undefined ? { mode: m.mode } : {}),
          ...(uid !== undefined ? { uid: hostOwner(uid, map, 'uidMappings') } : {}),
          ...(gid !== undefined ? { gid: hostOwner(gid, map, 'gidMappings') } : {}),
          ...(seed ? { seed } : {}),
        });
        out.push({ ...lease, mount: m });
      }
    } catch (err) {
      for (const l of out) l.release();
      throw err;
    }
    return out;
  }

  /** A RUN step's mounts made, its network taken, and the command run. */
  private async executeRun(c: RunExecution): Promise<LayerRecord> {
    const { instr, cfg, program, sourceRoots, cacheDirs, views, env, network, argv, state, ref, tail } = c;
    const mounts: SpecMount[] = [];
    const runEnv = [...env];
    if (program) {
      const file = join(this.workDir, `program-${randomBytes(8).toString('hex')}`);
      await writeFile(file, program.body, { mode: 0o755 });
      mounts.push({ type: 'bind', source: file, destination: program.path, readOnly: true });
    }
    for (const m of instr.mounts) {
      const target = m.target ? (m.target.startsWith('/') ? m.target : posix.join(cfg.WorkingDir || '/', m.target)) : undefined;
      if (m.type === 'cache') {
        mounts.push({ type: 'bind', source: cacheDirs.get(m)!, destination: target!, readOnly: m.readOnly });
      } else if (m.type === 'bind') {
        if (!target) throw new InvalidArgumentError('mount type bind requires a target');
        const root = sourceRoots.get(m) ?? (await this.sourceRoot(m.from, views));
        const src = await resolveInRoot(root, m.source ?? '/');
        mounts.push({ type: 'bind', source: src, destination: target, readOnly: true });
      } else if (m.type === 'secret') {
        const id = m.id ?? (m.target ? posix.basename(m.target) : undefined);
        const file = id !== undefined ? this.o.secrets?.[id] : undefined;
        if (!file) {
          if (m.required) throw new InvalidArgumentError(`secret ${id ?? ''} not found`);
          continue;
        }
        // env= puts the secret in a variable (of this step only, never in the image or the key);
        // with env= and no target, nothing is mounted.
        if (m.env) runEnv.push(`${m.env}=${(await readFile(file, 'utf8')).replace(/\n$/, '')}`);
        if (!m.env || m.target) mounts.push({ type: 'bind', source: await this.secretForStep(file), destination: target ?? `/run/secrets/${id}`, readOnly: true });
      } else if (m.type === 'tmpfs') {
        if (!target) throw new InvalidArgumentError('mount type tmpfs requires a target');
        mounts.push({ type: 'tmpfs', destination: target, options: m.sizeLimit ? [`size=${m.sizeLimit}`] : [] });
      } else {
        throw new InvalidArgumentError(`mount type ${m.type} is not supported by this builder`);
      }
    }
    const id = `build-${randomBytes(12).toString('hex')}`;
    if (network === 'none' || network === 'host' || !this.networks) return this.runIn(id, network === 'none' ? 'none' : 'host', state, argv, runEnv, mounts, ref, tail);
    return this.networks.with(network, (net) => this.runIn(id, net, state, argv, runEnv, mounts, ref, tail));
  }

  /**
   * The file a secret is bound from: the host's own, or on a remapped daemon a copy the step's
   * root can read (0400, owned by the remapped root, as BuildKit's default secret owner is root).
   */
  private async secretForStep(file: string): Promise<string> {
    const map = this.svc.idMap;
    if (!map) return file;
    const copy = join(this.workDir, `secret-${randomBytes(8).toString('hex')}`);
    await copyFile(file, copy);
    await chown(copy, hostOwner(0, map, 'uidMappings'), hostOwner(0, map, 'gidMappings'));
    await chmod(copy, 0o400);
    return copy;
  }

  private runIn(id: string, network: StepNetwork, state: State, argv: string[], env: string[], mounts: SpecMount[], ref: StepRef, tail: OutputTail): Promise<LayerRecord> {
    const cfg: ContainerConfig = state.config.config ?? {};
    return runStep({
      id,
      snapshots: this.deps.snapshots,
      images: this.deps.images,
      runtime: this.deps.runtime,
      cgroupParent: this.deps.cgroupParent,
      workDir: this.workDir,
      parent: topChain(state.layers),
      argv,
      env,
      user: cfg.User ?? '',
      workingDir: cfg.WorkingDir ?? '/',
      network,
      mounts,
      ...(this.svc.idMap ? { userns: this.svc.idMap } : {}),
      ...(this.o.signal ? { signal: this.o.signal } : {}),
      onOutput: (stream, data) => {
        tail.push(data);
        this.report({ type: 'output', step: ref, stream, data });
      },
    });
  }

  /** --chown names looked up in the step's parent (COPY --link copies onto nothing). */
  private async ownerIn(state: State, chown: string): Promise<Owner> {
    const view = await openRootfsView(this.deps.snapshots, this.workDir, topChain(state.layers));
    try {
      return await resolveOwner(chown, view.path);
    } finally {
      await view.release();
    }
  }

  /** What keys read for `root`: the received context (maybe still in memory), else the directory. */
  private treeFor(root: string): string | TreeReader {
    return root === this.o.contextDir && this.o.context ? this.o.context.reader() : root;
  }

  /** Makes sure the context's files are in its directory before a step reads them there. */
  private async contextOnDisk(): Promise<void> {
    await this.o.context?.materialize();
  }

  /** The tree COPY --from / RUN --mount from= reads: a stage, a named context, an image, or the context. */
  private async sourceRoot(from: string | undefined, views: RootfsView[]): Promise<string> {
    if (from === undefined || from === '') return this.o.contextDir;
    const named = this.o.buildContexts?.[from];
    if (named) return named;
    const df = this.plan.dockerfile;
    let index: number | undefined;
    if (/^[0-9]+$/.test(from)) index = Number(from);
    else {
      const i = df.stages.findIndex((s) => s.name === from.toLowerCase());
      if (i !== -1) index = i;
    }
    let layers: LayerRecord[];
    if (index !== undefined) layers = (await this.stage(index)).layers;
    else layers = (await this.baseImage(from, false)).layers;
    const view = await openRootfsView(this.deps.snapshots, this.workDir, topChain(layers));
    views.push(view);
    return view.path;
  }

  /** WORKDIR sets the config and, as docker does, makes the directory when the image lacks it. */
  private async planWorkdir(state: State, instr: Extract<Instruction, { kind: 'WORKDIR' }>): Promise<StepPlan> {
    const probe: ContainerConfig = { ...(state.config.config ?? {}) };
    applyConfigInstruction(probe, instr);
    const path = probe.WorkingDir || '/';
    const parent = topChain(state.layers);
    // Whether the directory exists follows from the parent (part of the key): looked at only
    // when the step runs, so a cached WORKDIR mounts nothing.
    return {
      keyParts: ['WORKDIR', path],
      createdBy: `WORKDIR ${instr.path}`,
      applyConfig: (c) => applyConfigInstruction(c.config!, instr),
      execute: async () => {
        const view = await openRootfsView(this.deps.snapshots, this.workDir, parent);
        let exists: boolean;
        try {
          exists = await stat(await resolveInRoot(view.path, path)).then((st) => st.isDirectory(), () => false);
        } finally {
          await view.release();
        }
        if (exists) return undefined;
        const key = `build-workdir-${randomBytes(12).toString('hex')}`;
        await this.deps.snapshots.prepare(key, parent, { labels: { 'berth.build': 'workdir' } });
        try {
          const root = await mountActive(this.deps.snapshots, this.workDir, key);
          try {
            await mkdirInRoot(root.path, path, { uid: 0, gid: 0 }, this.svc.idMap);
          } finally {
            await root.release();
          }
          return await commitSnapshotLayer(this.deps.images, this.deps.snapshots, key, parent);
        } finally {
          await this.deps.snapshots.remove(key).catch(() => undefined);
        }
      },
    };
  }

  private async planCopy(state: State, instr: CopyInstruction | AddInstruction): Promise<StepPlan> {
    const views: RootfsView[] = [];
    const cfg = state.config.config ?? {};
    const from = instr.kind === 'COPY' ? instr.from : undefined;
    let srcRoot = await this.sourceRoot(from, views);
    let sources = instr.sources;
    const urls = instr.kind === 'ADD' ? sources.filter(isUrl) : [];
    if (instr.kind === 'COPY' && sources.some(isUrl)) throw new InvalidArgumentError('source can\'t be a URL for COPY');
    // Heredoc bodies and downloads go into a directory of their own, copied like context files.
    if (instr.inlineSources.length > 0 || urls.length > 0) {
      const extra = await mkdtemp(join(this.workDir, 'src-'));
      views.push({ path: extra, release: () => rm(extra, { recursive: true, force: true }) });
      const names: string[] = [];
      for (const s of instr.inlineSources) {
        await writeFile(join(extra, s.path), s.data, { mode: 0o644 });
        names.push(s.path);
      }
      for (const u of urls) names.push(await downloadSource(u, extra));
      const local = sources.filter((s) => !isUrl(s));
      if (local.length > 0) throw new InvalidArgumentError('mixing local sources with URLs or heredocs is not supported');
      srcRoot = extra;
      sources = names;
    }
    const excludes = instr.excludes;
    const exclude = excludes.length ? (rel: string) => matchesPatterns(rel, excludes) : undefined;
    let resolved: string[];
    try {
      resolved = await resolveCopySources(this.treeFor(srcRoot), sources);
    } catch (err) {
      for (const v of views) await v.release();
      if (err instanceof NotFoundError) throw new NotFoundError(`failed to compute cache key: failed to calculate checksum: ${err.message}`);
      throw err;
    }
    if (resolved.length === 0) {
      for (const v of views) await v.release();
      throw new NotFoundError(`failed to compute cache key: no source files were specified or matched: ${sources.join(' ')}`);
    }
    const contentDigest = await digestEntries(this.treeFor(srcRoot), resolved, exclude ? { exclude } : {});
    const tree = this.treeFor(srcRoot);
    const parents = instr.kind === 'COPY' && instr.parents ? keptParents(sources, await Promise.all(sources.map((src) => resolveCopySource(tree, src)))) : undefined;
    const mode = instr.chmod ? parseChmod(instr.chmod) : undefined;
    const dest = instr.dest.startsWith('/') ? instr.dest : posix.join(cfg.WorkingDir || '/', instr.dest) + (instr.dest.endsWith('/') || instr.dest === '.' ? '/' : '');
    const flags = [
      ...(from ? [`--from=${from}`] : []),
      ...(instr.chown ? [`--chown=${instr.chown}`] : []),
      ...(instr.chmod ? [`--chmod=${instr.chmod}`] : []),
      ...(instr.link ? ['--link'] : []),
      ...(instr.kind === 'COPY' && instr.parents ? ['--parents'] : []),
    ];
    const createdBy = `${instr.kind} ${[...flags, ...instr.sources, instr.dest].join(' ')} # buildkit`;
    const preserveOwner = from !== undefined && !urls.length;
    // Another stage or an image is of this store: a remapped daemon's shifted owners are kept.
    const sourceShifted = preserveOwner && !this.o.buildContexts?.[from!];
    const idMap = this.svc.idMap;
    const link = instr.link;
    return {
      keyParts: [instr.kind, flags, instr.sources, dest, excludes, contentDigest, ...(link && instr.chown && !/^[0-9]+(:[0-9]+)?$/.test(instr.chown) ? [await this.ownerIn(state, instr.chown)] : [])],
      ...(link ? { link } : {}),
      createdBy,
      release: async () => {
        for (const v of views.splice(0)) await v.release();
      },
      execute: async () => {
        if (srcRoot === this.o.contextDir) await this.contextOnDisk();
        const parent = link ? undefined : topChain(state.layers);
        const linkOwner = link && instr.chown ? await this.ownerIn(state, instr.chown) : undefined;
        const key = `build-copy-${randomBytes(12).toString('hex')}`;
        await this.deps.snapshots.prepare(key, parent, { labels: { 'berth.build': 'copy' } });
        try {
          const root = await mountActive(this.deps.snapshots, this.workDir, key);
          try {
            const owner = linkOwner ?? (instr.chown ? await resolveOwner(instr.chown, root.path) : undefined);
            const unpack = instr.kind === 'ADD' && urls.length === 0 && instr.unpack !== false;
            const plain: string[] = [];
            for (const rel of resolved) {
              const full = await resolveInRoot(srcRoot, rel);
              if (unpack && (await isFile(full)) && (await isArchive(full))) {
                // Unpacked into an empty directory first, then copied in with every path resolved
                // inside the root: a symlink in the image can't steer the archive's files out of it.
                await mkdirInRoot(root.path, dest, owner ?? { uid: 0, gid: 0 }, idMap);
                const unpacked = await mkdtemp(join(this.workDir, 'unpack-'));
                try {
                  await extractArchive(full, unpacked);
                  await copyIntoRoot({ srcRoot: unpacked, sources: ['.'], destRoot: root.path, dest: dest.endsWith('/') ? dest : `${dest}/`, preserveOwner: true, ...(idMap ? { idMap } : {}) });
                } finally {
                  await rm(unpacked, { recursive: true, force: true });
                }
              } else plain.push(rel);
            }
            const copy = (sources: string[], to: string): Promise<unknown> =>
              copyIntoRoot({
                srcRoot,
                sources,
                destRoot: root.path,
                dest: to,
                ...(owner ? { owner } : {}),
                preserveOwner,
                ...(idMap ? { idMap, sourceShifted } : {}),
                ...(mode !== undefined ? { mode } : {}),
                ...(exclude ? { exclude } : {}),
              });
            if (parents) {
              // Each source keeps its path (below a `/./` pivot, if given) under the destination.
              for (const rel of plain) {
                const kept = parents.get(rel) ?? rel;
                const isDir = (await lstat(await resolveInRoot(srcRoot, rel)).catch(() => undefined))?.isDirectory() ?? false;
                const sub = isDir ? kept : posix.dirname(kept);
                await copy([rel], `${posix.join(dest, sub === '.' ? '' : sub)}/`);
              }
            } else if (plain.length > 0) await copy(plain, dest);
          } finally {
            await root.release();
          }
          return await commitSnapshotLayer(this.deps.images, this.deps.snapshots, key, parent);
        } finally {
          await this.deps.snapshots.remove(key).catch(() => undefined);
        }
      },
    };
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

interface StepPlan {
  keyParts: unknown[];
  /** COPY --link: execute makes the layer on nothing (see linkedStep). */
  link?: boolean;
  createdBy: string;
  /** Runs the step; the layer it made, or undefined for a config-only step. */
  execute(): Promise<LayerRecord | undefined>;
  applyConfig?(c: ImageConfig): void;
  release?(): Promise<void>;
}

/** History's created_by for config-only steps, as BuildKit writes them. */
function configCreatedBy(instr: Instruction): string {
  switch (instr.kind) {
    case 'ENV':
      return `ENV ${instr.pairs.map((p) => `${p.key}=${p.value}`).join(' ')}`;
    case 'LABEL':
      return `LABEL ${instr.pairs.map((p) => `${p.key}=${p.value}`).join(' ')}`;
    case 'WORKDIR':
      return `WORKDIR ${instr.path}`;
    case 'USER':
      return `USER ${instr.user}`;
    case 'CMD':
      return `CMD ${JSON.stringify(instr.command)}`;
    case 'ENTRYPOINT':
      return `ENTRYPOINT ${JSON.stringify(instr.command)}`;
    case 'EXPOSE':
      return `EXPOSE map[${instr.ports.map((p) => `${p.includes('/') ? p : `${p}/tcp`}:{}`).join(' ')}]`;
    case 'VOLUME':
      return `VOLUME ${JSON.stringify(instr.volumes)}`;
    case 'STOPSIGNAL':
      return `STOPSIGNAL ${instr.signal}`;
    case 'SHELL':
      return `SHELL ${JSON.stringify(instr.shell)}`;
    case 'ONBUILD':
      return `ONBUILD ${instr.expression}`;
    case 'HEALTHCHECK':
      return `HEALTHCHECK &{${JSON.stringify(instr.health.test)}}`;
    default:
      return instr.original;
  }
}

