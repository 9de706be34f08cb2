// One build, scheduled: every stage the target needs starts at once and waits only for what it
// uses (its base stage, COPY --from, RUN --mount from=), so independent stages run side by side.
// A stage is its FROM, its base image's ONBUILD triggers, then its steps one by one: each is
// expanded in the stage's scope, planned by its instruction's planner (plan-step.ts), taken from
// the cache or executed (cached-step.ts), and reported. The target's result becomes the image.
import { errorMessage } from '../errors.js';
import type { ImageRecord, LayerRecord } from '../image/image-store.js';
import type { IdMap } from '../oci/id-map.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import type { ImageService } from '../image/image-service.js';
import type { TreeReader } from './context/tree-reader.js';
import { type BuildPlan, DockerfileError, type Instruction, type PlannedStage, unusedBuildArgs } from './dockerfile/mod.js';
import { baseImage } from './base-image.js';
import type { BuildCache } from './build-cache.js';
import type { BuildOptions, BuildResult, BuildServiceDeps, LayerLease } from './build-options.js';
import type { BuildReporter, StepRef } from './build-progress.js';
import { BuildStepError } from './build-step-error.js';
import { traceSpan } from './build-trace.js';
import { type StepCacheEnv, cachedStep } from './cached-step.js';
import { CacheFromSources } from './cache-from.js';
import type { CacheMounts } from './cache-mounts.js';
import { storeFinalImage } from './final-image.js';
import { OutputTail } from './output-tail.js';
import { stageStart, takeOnbuildTriggers, triggerInstructions } from './plan-from.js';
import { planStep } from './plan-step.js';
import { type RootfsView, openRootfsView } from './rootfs-view.js';
import { RunCache } from './run-cache.js';
import { RunNetworks } from './run-networks.js';
import { BuildCancelledError, RunFailedError } from './run-step.js';
import type { RunContext, StageState } from './step-context.js';
import { advance, topChain } from './step-result.js';

/** What a build runs with from its service: the dependencies and the daemon-wide stores. */
export interface BuildRunServices {
  deps: BuildServiceDeps;
  cache: BuildCache;
  cacheMounts: CacheMounts;
  idMap: IdMap | undefined;
}

export class BuildRun implements RunContext {
  readonly deps: BuildServiceDeps;
  readonly snapshots: Snapshotter;
  readonly images: ImageService;
  readonly idMap: IdMap | undefined;
  readonly cacheMounts: CacheMounts;
  readonly networks: RunNetworks | undefined;
  private readonly stages = new Map<number, Promise<StageState>>();
  private readonly cache: RunCache;
  private readonly cacheEnv: StepCacheEnv;
  private vertex = 0;
  private executed = 0;
  private cachedSteps = 0;
  /** Each stage's first global step number (classic `Step N/M`), and the total. */
  private readonly offsets = new Map<number, number>();
  private readonly globalTotal: number;

  constructor(
    svc: BuildRunServices,
    private readonly plan: BuildPlan,
    readonly options: BuildOptions,
    private readonly report: BuildReporter,
    readonly workDir: string,
    private readonly lease: LayerLease,
  ) {
    this.deps = svc.deps;
    this.snapshots = svc.deps.snapshots;
    this.images = svc.deps.images;
    this.idMap = svc.idMap;
    this.cacheMounts = svc.cacheMounts;
    this.networks = svc.deps.network ? new RunNetworks(svc.deps.network, workDir, options.extraHosts) : undefined;
    this.cache = new RunCache(svc.cache, lease, this.snapshots, this.images);
    // Named sources that are not stored are skipped, as docker does (it only logs them).
    const sources = options.cacheFrom?.flatMap((ref) => {
      try {
        return this.images.store.find(ref)?.image ?? [];
      } catch {
        return [];
      }
    });
    this.cacheEnv = {
      cache: this.cache, lease, snapshots: this.snapshots, images: this.images, noCache: Boolean(options.noCache), platform: plan.targetPlatform,
      ...(options.cacheFrom?.length ? { cacheFrom: new CacheFromSources(sources ?? []) } : {}),
    };
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
    this.cache.countUses();
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const target = (settled[settled.length - 1] as PromiseFulfilledResult<StageState>).value;
    const tCommit = traceSpan('commit image');
    const { image, tags } = await storeFinalImage(this.images, target, this.options.labels ?? {}, this.options.tags ?? []);
    tCommit();
    return { imageId: image.id, tags, executed: this.executed, cached: this.cachedSteps, unusedBuildArgs: unusedBuildArgs(this.plan) };
  }

  /** The tree COPY --from / RUN --mount from= reads: a stage, a named context, an image, or the context. */
  async sourceRoot(from: string | undefined, views: RootfsView[]): Promise<string> {
    if (from === undefined || from === '') return this.options.contextDir;
    const named = this.options.buildContexts?.[from];
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
    const view = await openRootfsView(this.snapshots, this.workDir, topChain(layers));
    views.push(view);
    return view.path;
  }

  treeFor(root: string): string | TreeReader {
    return root === this.options.contextDir && this.options.context ? this.options.context.reader() : root;
  }

  async contextOnDisk(): Promise<void> {
    await this.options.context?.materialize();
  }

  private stage(i: number): Promise<StageState> {
    let p = this.stages.get(i);
    if (!p) {
      p = this.buildStage(this.plan.stages[i]!);
      p.catch(() => undefined);
      this.stages.set(i, p);
    }
    return p;
  }

  private baseImage(ref: string, forcePull: boolean): Promise<ImageRecord> {
    return baseImage(this.deps, ref, { forcePull, lease: this.lease, report: this.report, ...(this.options.registryAuth ? { registryAuth: this.options.registryAuth } : {}) });
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

  private async buildStage(ps: PlannedStage): Promise<StageState> {
    const from = ps.stage.from;
    const fromRef = this.stepRef(ps, 1, from.original, from.location.startLine);
    const t0 = Date.now();
    this.report({ type: 'start', step: fromRef, time: t0 });
    let state: StageState;
    try {
      state = await stageStart(this.plan, ps, { stage: (i) => this.stage(i), image: (ref) => this.baseImage(ref, Boolean(this.options.pull)) });
    } catch (err) {
      this.fail(fromRef, err, []);
    }
    this.report({ type: 'done', step: fromRef, ...(state.id ? { imageId: state.id } : {}), ms: Date.now() - t0, cached: false });

    // ONBUILD triggers of the base image run first, then are not inherited further.
    for (const t of takeOnbuildTriggers(ps, state)) {
      for (const instr of triggerInstructions(t, from.location)) state = await this.step(ps, state, instr, 1, `ONBUILD ${t}`, true);
    }
    let index = 1;
    for (const instr of ps.stage.instructions) {
      index++;
      state = await this.step(ps, state, instr, index, instr.original);
    }
    return state;
  }

  private fail(ref: StepRef, err: unknown, lastOutput: string[]): never {
    const message = errorMessage(err);
    this.report({ type: 'error', step: ref, message, lastOutput });
    if (err instanceof DockerfileError) throw err;
    throw new BuildStepError(message, ref, err instanceof RunFailedError ? err.exitCode : undefined, lastOutput);
  }

  /** One instruction: expanded, planned, taken from the cache or executed, reported. */
  private async step(ps: PlannedStage, state: StageState, instr: Instruction, index: number, text: string, trigger = false): Promise<StageState> {
    const ref = { ...this.stepRef(ps, index, text, instr.location.startLine), ...(trigger ? { trigger } : {}) };
    const t0 = Date.now();
    if (this.options.signal?.aborted) this.fail(ref, new BuildCancelledError('build cancelled'), []);
    this.report({ type: 'start', step: ref, time: t0 });
    if (instr.kind === 'ARG') {
      // ARG only changes the scope; its values reach RUN's key through the command string.
      try {
        state.scope.expand(instr);
      } catch (err) {
        this.fail(ref, err, []);
      }
      this.report({ type: 'done', step: ref, ms: 0, cached: false });
      return state;
    }
    const tail = new OutputTail();
    try {
      const expanded = state.scope.expand(instr);
      const plan = await planStep(this, state, expanded, (stream, data) => {
        tail.push(data);
        this.report({ type: 'output', step: ref, stream, data });
      });
      const { result, cached } = await cachedStep(this.cacheEnv, state, plan, text);
      if (cached) {
        this.cachedSteps++;
        this.report({ type: 'cached', step: ref, imageId: result.id });
      } else this.executed++;
      this.report({ type: 'done', step: ref, imageId: result.id, ms: Date.now() - t0, cached });
      return advance(state, result);
    } catch (err) {
      this.fail(ref, err, tail.get());
    }
  }
}
